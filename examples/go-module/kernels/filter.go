// Package kernels holds the hot code of the example: small methods called through
// interfaces in tight loops, and a hot function above the inlining budget whose result
// escapes unless it is inlined: the places where Go's PGO pays off.
package kernels

// An image pipeline applying filters through an interface, one call per pixel. Most
// filters are brightness changes, so with a profile the compiler devirtualizes Apply to
// brightness.Apply at the hot call site and inlines it into the pixel loop; without one
// every pixel costs an indirect call.

type Filter interface {
	Apply(p uint8) uint8
}

type brightness struct{ delta int }

func (b brightness) Apply(p uint8) uint8 {
	v := int(p) + b.delta
	if v > 255 {
		return 255
	}
	if v < 0 {
		return 0
	}
	return uint8(v)
}

type invert struct{}

func (invert) Apply(p uint8) uint8 { return 255 - p }

type threshold struct{ at uint8 }

func (t threshold) Apply(p uint8) uint8 {
	if p >= t.at {
		return 255
	}
	return 0
}

// Pipeline returns many small brightness steps, an inversion and a final threshold.
func Pipeline() []Filter {
	var fs []Filter
	for i := 0; i < 12; i++ {
		fs = append(fs, brightness{delta: 3 - i%7})
	}
	fs = append(fs, invert{}, threshold{at: 128})
	return fs
}

func ApplyAll(pixels []uint8, filters []Filter) {
	for _, f := range filters {
		for i := range pixels {
			pixels[i] = f.Apply(pixels[i])
		}
	}
}

// MakeImage returns a deterministic gradient with noise.
func MakeImage(n int) []uint8 {
	px := make([]uint8, n)
	x := uint32(7)
	for i := range px {
		x = x*1664525 + 1013904223
		px[i] = uint8(i%256/2) + uint8(x>>25)
	}
	return px
}

// HistogramSum is the histogram of the pixels, folded into one number.
func HistogramSum(px []uint8) uint64 {
	var h [256]uint64
	for _, p := range px {
		h[p]++
	}
	var s uint64
	for i, c := range h {
		s = s*31 + c*uint64(i+1)
	}
	return s
}
