package shop

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"text/template"
)

// NewMux serves the shop's API:
//
//	GET  /healthz                     200 "ok"
//	GET  /products?category=&q=&min=&max=&sort=&offset=&limit=   a JSON page of products
//	GET  /products/{sku}              one product as JSON
//	POST /orders                      an OrderRequest in, a Receipt out (JSON)
//	GET  /report                      a plain-text summary per category (text/template)
func NewMux(c *Catalog) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /products", c.handleQuery)
	mux.HandleFunc("GET /products/{sku}", c.handleProduct)
	mux.HandleFunc("POST /orders", c.handleOrder)
	mux.HandleFunc("GET /report", c.handleReport)
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"error": message})
}

// intParam is the integer query parameter `name`, `fallback` when absent; ok is false when
// it is present but not an integer.
func intParam(r *http.Request, name string, fallback int64) (int64, bool) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return fallback, true
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

func (c *Catalog) handleQuery(w http.ResponseWriter, r *http.Request) {
	params := r.URL.Query()
	q := Query{Category: params.Get("category"), Text: params.Get("q"), Sort: params.Get("sort")}
	var offset, limit int64
	ok := true
	for _, p := range []struct {
		name     string
		target   *int64
		fallback int64
	}{{"min", &q.MinCents, 0}, {"max", &q.MaxCents, 0}, {"offset", &offset, 0}, {"limit", &limit, 20}} {
		var good bool
		*p.target, good = intParam(r, p.name, p.fallback)
		ok = ok && good
	}
	if !ok || offset < 0 || limit < 1 || limit > 100 {
		writeError(w, http.StatusBadRequest, "min, max, offset and limit (1-100) are integers")
		return
	}
	q.Offset, q.Limit = int(offset), int(limit)
	writeJSON(w, http.StatusOK, c.Run(q))
}

func (c *Catalog) handleProduct(w http.ResponseWriter, r *http.Request) {
	p, ok := c.Lookup(r.PathValue("sku"))
	if !ok {
		writeError(w, http.StatusNotFound, "no such product")
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (c *Catalog) handleOrder(w http.ResponseWriter, r *http.Request) {
	var req OrderRequest
	decoder := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad order: "+err.Error())
		return
	}
	receipt, err := c.Price(req)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, receipt)
}

type categoryStats struct {
	Name           string
	Products       int
	AveragePrice   float64 // in currency units
	AverageRating  float64 // in stars
	InStock        int
	TopRated       string
	TopRatedRating int
}

var reportTemplate = template.Must(template.New("report").Parse(
	`{{range .}}{{printf "%-8s" .Name}} {{printf "%5d" .Products}} products, avg {{printf "%7.2f" .AveragePrice}}, ` +
		`{{printf "%.2f" .AverageRating}} stars, {{.InStock}} in stock, top: {{.TopRated}} ({{.TopRatedRating}})
{{end}}`))

func (c *Catalog) handleReport(w http.ResponseWriter, r *http.Request) {
	byName := map[string]*categoryStats{}
	for i := range c.Products {
		p := &c.Products[i]
		s := byName[p.Category]
		if s == nil {
			s = &categoryStats{Name: p.Category, TopRatedRating: -1}
			byName[p.Category] = s
		}
		s.Products++
		s.AveragePrice += float64(p.PriceCents) / 100
		s.AverageRating += float64(p.Rating) / 10
		if p.Stock > 0 {
			s.InStock++
		}
		if p.Rating > s.TopRatedRating { // the first of the best, in SKU order
			s.TopRated, s.TopRatedRating = p.Name, p.Rating
		}
	}
	stats := make([]*categoryStats, 0, len(byName))
	for _, s := range byName {
		s.AveragePrice /= float64(s.Products)
		s.AverageRating /= float64(s.Products)
		stats = append(stats, s)
	}
	sort.Slice(stats, func(i, j int) bool { return stats[i].Name < stats[j].Name })
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	reportTemplate.Execute(w, stats)
}
