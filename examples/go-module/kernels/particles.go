package kernels

// A particle simulation whose step function returns a new particle by pointer. The step is
// too big for the default inlining budget, so without a profile every call allocates its
// result on the heap; a profile marks the call hot, the compiler inlines it, and escape
// analysis then keeps the particle on the stack: no allocation, no garbage collection.

type Particle struct {
	X, Y, VX, VY float64
	Bounces      int
}

// step advances p by dt inside the box [0,w]x[0,h], bouncing off the walls with damping.
func step(p Particle, dt, w, h float64) *Particle {
	n := &Particle{X: p.X + p.VX*dt, Y: p.Y + p.VY*dt, VX: p.VX, VY: p.VY - 9.81*dt, Bounces: p.Bounces}
	if n.X < 0 {
		n.X, n.VX = -n.X, -n.VX*0.9
		n.Bounces++
	} else if n.X > w {
		n.X, n.VX = 2*w-n.X, -n.VX*0.9
		n.Bounces++
	}
	if n.Y < 0 {
		n.Y, n.VY = -n.Y, -n.VY*0.9
		n.Bounces++
	} else if n.Y > h {
		n.Y, n.VY = 2*h-n.Y, -n.VY*0.9
		n.Bounces++
	}
	if n.VX*n.VX+n.VY*n.VY < 1e-6 {
		n.VX, n.VY = 1, 1 // kick a particle that came to rest
	}
	return n
}

// MakeParticles returns n particles with deterministic positions and velocities.
func MakeParticles(n int) []Particle {
	ps := make([]Particle, n)
	for i := range ps {
		f := float64(i%101) / 101
		ps[i] = Particle{X: 50 * f, Y: 80 * (1 - f), VX: 7 - 14*f, VY: 3 * f}
	}
	return ps
}

// Simulate advances every particle `steps` times and returns the total number of bounces.
//
// It stays a function of its own: Go's PGO looks up a call site's hotness by the function
// that contains it in the source, and once the hot Simulate were inlined into main the
// step call inside it would no longer be found hot (checked with Go 1.26).
//
//go:noinline
func Simulate(ps []Particle, steps int) int {
	for s := 0; s < steps; s++ {
		for i := range ps {
			ps[i] = *step(ps[i], 0.01, 50, 80)
		}
	}
	total := 0
	for _, p := range ps {
		total += p.Bounces
	}
	return total
}
