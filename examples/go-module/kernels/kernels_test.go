package kernels

import "testing"

func TestFilters(t *testing.T) {
	px := []uint8{0, 100, 250}
	ApplyAll(px, []Filter{brightness{delta: 10}, invert{}, threshold{at: 128}})
	if px[0] != 255 || px[1] != 255 || px[2] != 0 {
		t.Fatalf("got %v, want [255 255 0]", px)
	}
}

func BenchmarkFilter(b *testing.B) {
	img := MakeImage(1 << 20)
	fs := Pipeline()
	for i := 0; i < b.N; i++ {
		ApplyAll(img, fs)
	}
}

func BenchmarkCompactness(b *testing.B) {
	shapes := MakeShapes(100000)
	for i := 0; i < b.N; i++ {
		Compactness(shapes)
	}
}

func BenchmarkProbe(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Probe(200000, MixHasher{})
	}
}

func TestSimulateBounces(t *testing.T) {
	ps := []Particle{{X: 1, Y: 1, VX: -200, VY: 0}}
	if got := Simulate(ps, 1); got != 1 || ps[0].VX <= 0 {
		t.Fatalf("got %d bounces, velocity %v; want 1 bounce off the left wall", got, ps[0].VX)
	}
}

func BenchmarkSimulate(b *testing.B) {
	ps := MakeParticles(10000)
	for i := 0; i < b.N; i++ {
		Simulate(ps, 10)
	}
}
