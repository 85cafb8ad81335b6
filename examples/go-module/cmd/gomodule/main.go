// Command gomodule: a CPU-bound example for pgo (see pgo.yaml). It filters an image, sums
// shape metrics and probes a hash table, each through an interface with one dominant
// implementation (hot indirect calls that Go's PGO devirtualizes and inlines), and runs a
// particle simulation whose hot step function allocates unless PGO inlines it.
package main

import (
	"flag"
	"fmt"
	"os"

	"example.com/gomodule/kernels"
)

func main() {
	size := flag.Int("size", 4, "work size (millions of pixels / lookups)")
	exit := flag.Bool("exit", false, "end with os.Exit(0) instead of returning from main")
	flag.Parse()
	n := *size * 1000000

	img := kernels.MakeImage(n / 4)
	kernels.ApplyAll(img, kernels.Pipeline())
	fmt.Printf("filter: histogram %d\n", kernels.HistogramSum(img))

	shapes := kernels.MakeShapes(n / 20)
	total := 0.0
	for round := 0; round < 20; round++ {
		total += kernels.Compactness(shapes)
	}
	fmt.Printf("shapes: compactness %.6f\n", total)

	particles := kernels.MakeParticles(n / 100)
	fmt.Printf("particles: %d bounces\n", kernels.Simulate(particles, 400))

	var h kernels.Hasher = kernels.MixHasher{}
	if *size < 0 {
		h = kernels.WeakHasher{} // never taken; keeps the hasher an interface
	}
	fmt.Printf("hash: %d hits\n", kernels.Probe(n, h))

	if *exit {
		os.Exit(0)
	}
}
