package shop

import "testing"

func TestQueryPagesAreOrderedAndFiltered(t *testing.T) {
	c := NewCatalog(500)
	page := c.Run(Query{Category: "books", Sort: "price", Limit: 5})
	if page.Total == 0 || len(page.Items) == 0 {
		t.Fatalf("no books in the catalog: %+v", page)
	}
	for i, p := range page.Items {
		if p.Category != "books" {
			t.Fatalf("item %d is in %q", i, p.Category)
		}
		if i > 0 && p.PriceCents < page.Items[i-1].PriceCents {
			t.Fatalf("item %d is cheaper than item %d", i, i-1)
		}
	}
}

// The server's hot path without the network: the query mix of cmd/load's "mixed" load.
func BenchmarkQuery(b *testing.B) {
	c := NewCatalog(5000)
	queries := []Query{
		{Category: "books", Sort: "price", Limit: 20},
		{Text: "lamp", Sort: "rating", Limit: 10},
		{MinCents: 1000, MaxCents: 5000, Sort: "-price", Limit: 20},
		{Text: "eco", Sort: "name", Offset: 10, Limit: 10},
	}
	for i := 0; i < b.N; i++ {
		c.Run(queries[i%len(queries)])
	}
}
