#include "order_book.h"

#include <algorithm>

template <class Book, class Crosses>
int64_t OrderBook::match(Book& book, int trader, Side side, int64_t qty, Crosses crosses) {
  int64_t filled = 0;
  while (qty > 0 && !book.empty()) {
    auto level = book.begin();
    if (!crosses(level->first)) break;
    Level& lv = level->second;
    while (qty > 0 && !lv.orders.empty()) {
      Order& maker = lv.orders.front();
      int64_t q = std::min(qty, maker.qty);
      maker.qty -= q;
      lv.total -= q;
      qty -= q;
      filled += q;
      sink_.on_fill(Fill{maker.id, maker.trader, trader, side, level->first, q});
      if (maker.qty == 0) {
        index_.erase(maker.id);
        lv.orders.pop_front();
      }
    }
    if (lv.orders.empty()) book.erase(level);
  }
  return filled;
}

uint64_t OrderBook::limit(int trader, Side side, int64_t price, int64_t qty) {
  if (side == Side::Buy)
    qty -= match(asks_, trader, side, qty, [price](int64_t p) { return p <= price; });
  else
    qty -= match(bids_, trader, side, qty, [price](int64_t p) { return p >= price; });
  if (qty == 0) return 0;
  uint64_t id = next_id_++;
  Level& lv = side == Side::Buy ? bids_[price] : asks_[price];
  lv.orders.push_back(Order{id, trader, qty});
  lv.total += qty;
  index_.emplace(id, Location{side, price});
  return id;
}

int64_t OrderBook::market(int trader, Side side, int64_t qty) {
  auto any = [](int64_t) { return true; };
  return side == Side::Buy ? match(asks_, trader, side, qty, any)
                           : match(bids_, trader, side, qty, any);
}

template <class Book>
void OrderBook::remove(Book& book, int64_t price, uint64_t id) {
  auto level = book.find(price);
  if (level == book.end()) return;
  auto& orders = level->second.orders;
  for (auto it = orders.begin(); it != orders.end(); ++it) {
    if (it->id == id) {
      level->second.total -= it->qty;
      orders.erase(it);
      break;
    }
  }
  if (orders.empty()) book.erase(level);
}

bool OrderBook::cancel(uint64_t id) {
  auto it = index_.find(id);
  if (it == index_.end()) return false;
  Location loc = it->second;
  index_.erase(it);
  if (loc.side == Side::Buy)
    remove(bids_, loc.price, id);
  else
    remove(asks_, loc.price, id);
  return true;
}

int64_t OrderBook::depth(Side side, int levels) const {
  int64_t total = 0;
  auto sum = [&](const auto& book) {
    for (auto it = book.begin(); it != book.end() && levels-- > 0; ++it) total += it->second.total;
  };
  if (side == Side::Buy) sum(bids_); else sum(asks_);
  return total;
}
