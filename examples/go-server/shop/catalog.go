// Package shop is the in-memory shop behind the example server: a product table generated
// from a fixed seed, queries over it, and order pricing. Everything is deterministic, so
// that the load client's summary is the same for every correct server build.
package shop

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// Product is one row of the catalog.
type Product struct {
	SKU        string   `json:"sku"`
	Name       string   `json:"name"`
	Category   string   `json:"category"`
	PriceCents int64    `json:"price_cents"`
	Rating     int      `json:"rating"` // tenths of a star, 0-50
	Stock      int      `json:"stock"`
	Tags       []string `json:"tags"`
}

// Categories of the generated catalog, in a fixed order.
var Categories = []string{"books", "games", "garden", "kitchen", "music", "office", "outdoor", "pets", "sports",
	"tools", "toys", "video"}

var (
	adjectives = []string{"red", "compact", "deluxe", "quiet", "vintage", "smart", "rugged", "tiny", "classic", "solar",
		"folding", "wireless", "organic", "heavy", "modular"}
	nouns = []string{"lamp", "kettle", "drone", "notebook", "speaker", "chair", "tent", "puzzle", "racket", "drill",
		"blender", "guitar", "leash", "planter", "camera", "stapler", "skates", "novel"}
	tagWords = []string{"new", "sale", "eco", "gift", "bestseller", "limited", "refurbished", "bundle"}
)

// Catalog is the product table, ordered by SKU, with an index from SKU to row.
type Catalog struct {
	Products []Product
	bySKU    map[string]int
}

// NewCatalog generates `size` products from a fixed seed.
func NewCatalog(size int) *Catalog {
	rng := rand.New(rand.NewPCG(2024, 16))
	c := &Catalog{Products: make([]Product, size), bySKU: make(map[string]int, size)}
	for i := range c.Products {
		p := &c.Products[i]
		p.SKU = fmt.Sprintf("P%05d", i)
		p.Name = adjectives[rng.IntN(len(adjectives))] + " " + adjectives[rng.IntN(len(adjectives))] + " " +
			nouns[rng.IntN(len(nouns))]
		p.Category = Categories[rng.IntN(len(Categories))]
		p.PriceCents = int64(199 + rng.IntN(49800))
		p.Rating = rng.IntN(51)
		p.Stock = rng.IntN(200)
		for t := rng.IntN(4); t > 0; t-- {
			p.Tags = append(p.Tags, tagWords[rng.IntN(len(tagWords))])
		}
		c.bySKU[p.SKU] = i
	}
	return c
}

// Lookup returns the product with `sku`, or false.
func (c *Catalog) Lookup(sku string) (*Product, bool) {
	i, ok := c.bySKU[sku]
	if !ok {
		return nil, false
	}
	return &c.Products[i], true
}

// Query selects products: all conditions are optional (zero values match everything).
type Query struct {
	Category string
	Text     string // a case-insensitive substring of the name, or a tag
	MinCents int64
	MaxCents int64
	Sort     string // "price", "-price", "rating", "name"; default: SKU
	Offset   int
	Limit    int
}

// Page is one page of a query's result.
type Page struct {
	Total int       `json:"total"`
	Items []Product `json:"items"`
}

// condition is one test a product must pass. A query becomes a list of them, so that the
// hot loop calls through an interface, as servers with pluggable filters do (and as Go's PGO
// devirtualizes and inlines when one implementation dominates a call site).
type condition interface {
	match(p *Product) bool
}

type categoryIs struct{ category string }

func (c categoryIs) match(p *Product) bool { return p.Category == c.category }

type priceBetween struct{ min, max int64 }

func (c priceBetween) match(p *Product) bool {
	return !(c.min > 0 && p.PriceCents < c.min || c.max > 0 && p.PriceCents > c.max)
}

// nameOrTag: a lower-case substring of the name, or an exact tag.
type nameOrTag struct{ text string }

func (c nameOrTag) match(p *Product) bool {
	if containsFold(p.Name, c.text) {
		return true
	}
	for _, t := range p.Tags {
		if t == c.text {
			return true
		}
	}
	return false
}

// containsFold reports whether `lower`, already in lower case, occurs in `s` ignoring ASCII
// case, without building a lower-case copy of `s` for every product of every query.
func containsFold(s, lower string) bool {
	n := len(lower)
	for start := 0; start+n <= len(s); start++ {
		match := true
		for i := 0; i < n; i++ {
			b := s[start+i]
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			if b != lower[i] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func (q *Query) conditions() []condition {
	var out []condition
	if q.Category != "" {
		out = append(out, categoryIs{q.Category})
	}
	if q.MinCents > 0 || q.MaxCents > 0 {
		out = append(out, priceBetween{q.MinCents, q.MaxCents})
	}
	if q.Text != "" {
		out = append(out, nameOrTag{strings.ToLower(q.Text)})
	}
	return out
}

// order compares two products by a query's sort key: < 0, 0 (a tie, broken by SKU) or > 0.
type order interface {
	compare(a, b *Product) int
}

type byPrice struct{ descending bool }

func (o byPrice) compare(a, b *Product) int {
	d := a.PriceCents - b.PriceCents
	if o.descending {
		d = -d
	}
	return int(max(-1, min(1, d)))
}

type byRating struct{}

func (byRating) compare(a, b *Product) int { return b.Rating - a.Rating } // best first

type byName struct{}

func (byName) compare(a, b *Product) int { return strings.Compare(a.Name, b.Name) }

type bySKU struct{}

func (bySKU) compare(a, b *Product) int { return 0 }

func (q *Query) order() order {
	switch q.Sort {
	case "price":
		return byPrice{}
	case "-price":
		return byPrice{descending: true}
	case "rating":
		return byRating{}
	case "name":
		return byName{}
	}
	return bySKU{}
}

// Run evaluates the query over the whole table. Ties are broken by SKU (a total order, so
// that pages never depend on the sort algorithm).
func (c *Catalog) Run(q Query) Page {
	conditions := q.conditions()
	var matched []*Product
	for i := range c.Products {
		p := &c.Products[i]
		ok := true
		for _, cond := range conditions {
			if !cond.match(p) {
				ok = false
				break
			}
		}
		if ok {
			matched = append(matched, p)
		}
	}
	ord := q.order()
	sort.Slice(matched, func(i, j int) bool {
		if d := ord.compare(matched[i], matched[j]); d != 0 {
			return d < 0
		}
		return matched[i].SKU < matched[j].SKU
	})
	page := Page{Total: len(matched), Items: []Product{}}
	for i := q.Offset; i < len(matched) && (q.Limit <= 0 || i < q.Offset+q.Limit); i++ {
		page.Items = append(page.Items, *matched[i])
	}
	return page
}
