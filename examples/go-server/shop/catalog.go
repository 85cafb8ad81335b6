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

func (q *Query) matches(p *Product) bool {
	if q.Category != "" && p.Category != q.Category {
		return false
	}
	if q.MinCents > 0 && p.PriceCents < q.MinCents || q.MaxCents > 0 && p.PriceCents > q.MaxCents {
		return false
	}
	if q.Text == "" {
		return true
	}
	if strings.Contains(strings.ToLower(p.Name), q.Text) {
		return true
	}
	for _, t := range p.Tags {
		if t == q.Text {
			return true
		}
	}
	return false
}

// less orders two products for the query's sort key, ties broken by SKU (a total order,
// so that pages never depend on the sort algorithm).
func (q *Query) less(a, b *Product) bool {
	switch q.Sort {
	case "price":
		if a.PriceCents != b.PriceCents {
			return a.PriceCents < b.PriceCents
		}
	case "-price":
		if a.PriceCents != b.PriceCents {
			return a.PriceCents > b.PriceCents
		}
	case "rating":
		if a.Rating != b.Rating {
			return a.Rating > b.Rating
		}
	case "name":
		if a.Name != b.Name {
			return a.Name < b.Name
		}
	}
	return a.SKU < b.SKU
}

// Run evaluates the query over the whole table.
func (c *Catalog) Run(q Query) Page {
	q.Text = strings.ToLower(q.Text)
	var matched []*Product
	for i := range c.Products {
		if q.matches(&c.Products[i]) {
			matched = append(matched, &c.Products[i])
		}
	}
	sort.Slice(matched, func(i, j int) bool { return q.less(matched[i], matched[j]) })
	page := Page{Total: len(matched), Items: []Product{}}
	for i := q.Offset; i < len(matched) && (q.Limit <= 0 || i < q.Offset+q.Limit); i++ {
		page.Items = append(page.Items, *matched[i])
	}
	return page
}
