package kernels

// Geometry through an interface with one dominant implementation per call site, and a
// hot helper that is too big for the default inlining budget but not for PGO's.

type Shape interface {
	Area() float64
	Perimeter() float64
}

type Rect struct{ W, H float64 }
type Circle struct{ R float64 }
type Triangle struct{ A, B, C float64 }

func (r Rect) Area() float64      { return r.W * r.H }
func (r Rect) Perimeter() float64 { return 2 * (r.W + r.H) }
func (c Circle) Area() float64    { return 3.141592653589793 * c.R * c.R }
func (c Circle) Perimeter() float64 {
	return 2 * 3.141592653589793 * c.R
}
func (t Triangle) Area() float64 {
	s := (t.A + t.B + t.C) / 2
	return sqrt(s * (s - t.A) * (s - t.B) * (s - t.C))
}
func (t Triangle) Perimeter() float64 { return t.A + t.B + t.C }

// sqrt by Newton's method: a pure-Go loop the inliner sees as expensive.
func sqrt(x float64) float64 {
	if x <= 0 {
		return 0
	}
	z := x
	if z > 1 {
		z = x / 2
	}
	for i := 0; i < 6; i++ {
		z -= (z*z - x) / (2 * z)
	}
	return z
}

func MakeShapes(n int) []Shape {
	shapes := make([]Shape, n)
	for i := range shapes {
		f := float64(i%97) + 1
		switch {
		case i%50 == 0:
			shapes[i] = Circle{f}
		case i%50 == 1:
			shapes[i] = Triangle{f, f + 1, f + 1.5}
		default:
			shapes[i] = Rect{f, f / 2}
		}
	}
	return shapes
}

// Compactness sums 4*pi*area/perimeter^2 over all shapes.
func Compactness(shapes []Shape) float64 {
	total := 0.0
	for _, s := range shapes {
		p := s.Perimeter()
		total += 4 * 3.141592653589793 * s.Area() / (p * p)
	}
	return total
}
