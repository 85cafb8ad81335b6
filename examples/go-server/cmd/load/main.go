// Command load drives the example server with a request mix drawn from -seed, -concurrency
// requests at a time, and prints on stdout a summary that is the same for every correct
// server: request and status counts, sums taken from the replies, and a checksum of every
// reply body in request order. The request rate goes to stderr (it changes between runs).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"time"

	"example.com/go-server/shop"
)

type request struct {
	kind   string // query, product, order, report
	method string
	path   string
	body   []byte
}

type result struct {
	status   int
	bodyHash uint64
	matched  int   // query: the page's total
	total    int64 // order: the receipt's total
}

// Weights of the request kinds per mix, in the order query, product, order, report.
var mixes = map[string][4]int{
	"browse":   {70, 25, 4, 1},
	"checkout": {20, 20, 59, 1},
	"mixed":    {45, 20, 34, 1},
}

var sortKeys = []string{"", "price", "-price", "rating", "name"}
var words = []string{"lamp", "red", "deluxe", "drone", "gift", "sale", "quiet", "tent", "eco", "cam"}

func makeRequest(rng *rand.Rand, weights [4]int, products int) request {
	r := rng.IntN(weights[0] + weights[1] + weights[2] + weights[3])
	sku := func() string { return fmt.Sprintf("P%05d", rng.IntN(products+products/20)) } // 5% unknown
	switch {
	case r < weights[0]:
		v := url.Values{}
		if rng.IntN(3) > 0 {
			v.Set("category", shop.Categories[rng.IntN(len(shop.Categories))])
		}
		if rng.IntN(2) == 0 {
			v.Set("q", words[rng.IntN(len(words))])
		}
		if rng.IntN(3) == 0 {
			low := 100 * rng.Int64N(300)
			v.Set("min", fmt.Sprint(low))
			v.Set("max", fmt.Sprint(low+100*rng.Int64N(200)))
		}
		if s := sortKeys[rng.IntN(len(sortKeys))]; s != "" {
			v.Set("sort", s)
		}
		v.Set("offset", fmt.Sprint(rng.IntN(3)*20))
		v.Set("limit", fmt.Sprint(10+rng.IntN(41)))
		return request{kind: "query", method: http.MethodGet, path: "/products?" + v.Encode()}
	case r < weights[0]+weights[1]:
		return request{kind: "product", method: http.MethodGet, path: "/products/" + sku()}
	case r < weights[0]+weights[1]+weights[2]:
		order := shop.OrderRequest{Customer: fmt.Sprintf("c%04d", rng.IntN(1000))}
		for n := 1 + rng.IntN(8); n > 0; n-- {
			order.Items = append(order.Items, shop.OrderItem{SKU: sku(), Quantity: 1 + rng.IntN(14)})
		}
		order.Coupon = []string{"", "", "SAVE10", "BIG50", "BOGUS"}[rng.IntN(5)]
		body, _ := json.Marshal(order)
		return request{kind: "order", method: http.MethodPost, path: "/orders", body: body}
	default:
		return request{kind: "report", method: http.MethodGet, path: "/report"}
	}
}

func do(client *http.Client, base string, req request) (result, error) {
	httpReq, err := http.NewRequest(req.method, base+req.path, bytes.NewReader(req.body))
	if err != nil {
		return result{}, err
	}
	if req.body != nil {
		httpReq.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(httpReq)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	h := fnv.New64a()
	h.Write(body)
	res := result{status: resp.StatusCode, bodyHash: h.Sum64()}
	if resp.StatusCode == http.StatusOK {
		switch req.kind {
		case "query":
			var page struct{ Total int }
			err = json.Unmarshal(body, &page)
			res.matched = page.Total
		case "order":
			var receipt struct {
				TotalCents int64 `json:"total_cents"`
			}
			err = json.Unmarshal(body, &receipt)
			res.total = receipt.TotalCents
		}
	}
	return res, err
}

func main() {
	port := flag.Int("port", 0, "the server's port on 127.0.0.1 (required)")
	count := flag.Int("requests", 2000, "number of requests")
	seed := flag.Uint64("seed", 1, "seed of the request mix")
	concurrency := flag.Int("concurrency", 4, "requests in flight")
	mixName := flag.String("mix", "mixed", "request mix: browse, checkout or mixed")
	products := flag.Int("products", 5000, "catalog size the server was started with")
	flag.Parse()
	weights, ok := mixes[*mixName]
	if *port <= 0 || !ok || *concurrency < 1 {
		fmt.Fprintln(os.Stderr, "load: -port is required, -mix is browse, checkout or mixed, -concurrency >= 1")
		flag.Usage()
		os.Exit(2)
	}

	rng := rand.New(rand.NewPCG(*seed, 7))
	requests := make([]request, *count)
	for i := range requests {
		requests[i] = makeRequest(rng, weights, *products)
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", *port)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}, Timeout: 30 * time.Second}
	results := make([]result, len(requests))
	next := make(chan int)
	var wg sync.WaitGroup
	var failure error
	var failureOnce sync.Once
	start := time.Now()
	for w := 0; w < *concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var err error
				if results[i], err = do(client, base, requests[i]); err != nil {
					failureOnce.Do(func() { failure = fmt.Errorf("%s %s: %w", requests[i].method, requests[i].path, err) })
				}
			}
		}()
	}
	for i := range requests {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	if failure != nil {
		fmt.Fprintln(os.Stderr, "load:", failure)
		os.Exit(1)
	}

	kinds, statuses := map[string]int{}, map[int]int{}
	matched, totalCents := 0, int64(0)
	checksum := fnv.New64a()
	for i, r := range results {
		kinds[requests[i].kind]++
		statuses[r.status]++
		matched += r.matched
		totalCents += r.total
		fmt.Fprintf(checksum, "%d:%x;", r.status, r.bodyHash)
	}
	fmt.Printf("load: mix=%s seed=%d requests=%d\n", *mixName, *seed, len(requests))
	fmt.Printf("requests: query=%d product=%d order=%d report=%d\n", kinds["query"], kinds["product"], kinds["order"],
		kinds["report"])
	codes := make([]int, 0, len(statuses))
	for code := range statuses {
		codes = append(codes, code)
	}
	sort.Ints(codes)
	fmt.Print("status:")
	for _, code := range codes {
		fmt.Printf(" %d=%d", code, statuses[code])
	}
	fmt.Printf("\nproducts_matched=%d order_total_cents=%d checksum=%016x\n", matched, totalCents, checksum.Sum64())
	fmt.Fprintf(os.Stderr, "Requests/sec: %.0f\n", float64(len(requests))/elapsed.Seconds())
}
