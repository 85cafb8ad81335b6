package kernels

// A table of 64-bit keys probed through a Hasher interface: the call is indirect unless
// the compiler learns (from the profile) which implementation it nearly always is.

type Hasher interface {
	Hash(x uint64) uint64
}

type MixHasher struct{}
type WeakHasher struct{}

func (MixHasher) Hash(x uint64) uint64  { return mix(x) }
func (WeakHasher) Hash(x uint64) uint64 { return x * 0x9e3779b97f4a7c15 }

func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

type table struct {
	slots []uint64
	mask  uint64
	hash  Hasher
}

func newTable(bits uint, h Hasher) *table {
	return &table{slots: make([]uint64, 1<<bits), mask: 1<<bits - 1, hash: h}
}

func (t *table) insert(k uint64) {
	for i := t.hash.Hash(k) & t.mask; ; i = (i + 1) & t.mask {
		if t.slots[i] == 0 || t.slots[i] == k {
			t.slots[i] = k
			return
		}
	}
}

func (t *table) contains(k uint64) bool {
	for i := t.hash.Hash(k) & t.mask; ; i = (i + 1) & t.mask {
		switch t.slots[i] {
		case k:
			return true
		case 0:
			return false
		}
	}
}

func Probe(n int, h Hasher) int {
	t := newTable(16, h)
	for i := 1; i <= 30000; i++ {
		t.insert(uint64(i) * 7919)
	}
	hits := 0
	for i := 1; i <= n; i++ {
		if t.contains(uint64(i) * 31) {
			hits++
		}
	}
	return hits
}
