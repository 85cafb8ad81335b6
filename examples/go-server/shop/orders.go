package shop

import (
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
)

// OrderRequest is the body of POST /orders.
type OrderRequest struct {
	Customer string      `json:"customer"`
	Items    []OrderItem `json:"items"`
	Coupon   string      `json:"coupon,omitempty"`
}

// OrderItem is one line of an order request.
type OrderItem struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"qty"`
}

// Receipt is the priced order. Orders are not stored: the ID is a hash of the request,
// so the same order always gets the same receipt, whatever ran before.
type Receipt struct {
	OrderID       string        `json:"order_id"`
	Customer      string        `json:"customer"`
	Lines         []ReceiptLine `json:"lines"`
	SubtotalCents int64         `json:"subtotal_cents"`
	DiscountCents int64         `json:"discount_cents"`
	TaxCents      int64         `json:"tax_cents"`
	TotalCents    int64         `json:"total_cents"`
	Backordered   []string      `json:"backordered,omitempty"`
}

// ReceiptLine is one priced line.
type ReceiptLine struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Quantity  int    `json:"qty"`
	UnitCents int64  `json:"unit_cents"`
	LineCents int64  `json:"line_cents"`
}

// Tax rates by category, in basis points; the others pay the default.
var taxBasisPoints = map[string]int64{"books": 700, "music": 1900, "video": 1900, "pets": 1000}

const defaultTaxBasisPoints = 1600

// ErrEmptyOrder and friends are the client's mistakes (HTTP 400).
var (
	ErrEmptyOrder = errors.New("an order needs at least one item")
	ErrQuantity   = errors.New("quantities are 1 to 99")
)

// Price prices an order: lines merged by SKU and sorted, volume discounts, a coupon, tax per
// category, and the lines whose quantity exceeds the stock listed as backordered.
func (c *Catalog) Price(req OrderRequest) (Receipt, error) {
	if len(req.Items) == 0 {
		return Receipt{}, ErrEmptyOrder
	}
	quantities := map[string]int{}
	for _, it := range req.Items {
		if it.Quantity < 1 || it.Quantity > 99 {
			return Receipt{}, ErrQuantity
		}
		if _, ok := c.Lookup(it.SKU); !ok {
			return Receipt{}, fmt.Errorf("no product %q", it.SKU)
		}
		quantities[it.SKU] += it.Quantity
	}
	skus := make([]string, 0, len(quantities))
	for sku := range quantities {
		skus = append(skus, sku)
	}
	sort.Strings(skus)

	r := Receipt{Customer: req.Customer}
	var tax int64
	for _, sku := range skus {
		p, _ := c.Lookup(sku)
		qty := quantities[sku]
		unit := p.PriceCents
		if qty >= 10 { // volume discount: 5% from ten pieces
			unit -= unit * 5 / 100
		}
		line := unit * int64(qty)
		r.Lines = append(r.Lines, ReceiptLine{SKU: sku, Name: p.Name, Quantity: qty, UnitCents: unit, LineCents: line})
		r.SubtotalCents += line
		rate, ok := taxBasisPoints[p.Category]
		if !ok {
			rate = defaultTaxBasisPoints
		}
		tax += line * rate / 10000
		if qty > p.Stock {
			r.Backordered = append(r.Backordered, sku)
		}
	}
	switch req.Coupon {
	case "":
	case "SAVE10":
		r.DiscountCents = r.SubtotalCents / 10
	case "BIG50":
		if r.SubtotalCents >= 50000 {
			r.DiscountCents = 5000
		}
	default:
		return Receipt{}, fmt.Errorf("unknown coupon %q", req.Coupon)
	}
	if r.SubtotalCents > 0 { // tax on the discounted amount, in proportion
		tax -= tax * r.DiscountCents / r.SubtotalCents
	}
	r.TaxCents = tax
	r.TotalCents = r.SubtotalCents - r.DiscountCents + tax
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s", req.Customer, req.Coupon)
	for _, sku := range skus {
		fmt.Fprintf(h, "|%s*%d", sku, quantities[sku])
	}
	r.OrderID = fmt.Sprintf("O%016x", h.Sum64())
	return r, nil
}
