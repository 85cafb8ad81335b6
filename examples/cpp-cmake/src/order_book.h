// A price-time priority limit order book.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

enum class Side : uint8_t { Buy, Sell };

inline Side opposite(Side s) { return s == Side::Buy ? Side::Sell : Side::Buy; }

struct Order {
  uint64_t id;
  int trader;
  int64_t qty;
};

struct Fill {
  uint64_t maker_order;
  int maker;       // trader index of the resting order
  int taker;       // trader index of the incoming order
  Side taker_side;
  int64_t price;
  int64_t qty;
};

// Receives every fill as it happens, in order.
class FillSink {
 public:
  virtual ~FillSink() = default;
  virtual void on_fill(const Fill& fill) = 0;
};

class OrderBook {
 public:
  explicit OrderBook(FillSink& sink) : sink_(sink) {}

  // Matches what crosses, rests the remainder; returns the resting order's id, 0 if none rests.
  uint64_t limit(int trader, Side side, int64_t price, int64_t qty);
  // Matches against the book at any price; returns the filled quantity.
  int64_t market(int trader, Side side, int64_t qty);
  // Removes a resting order; false if it is no longer in the book.
  bool cancel(uint64_t id);

  std::optional<int64_t> best_bid() const {
    if (bids_.empty()) return std::nullopt;
    return bids_.begin()->first;
  }
  std::optional<int64_t> best_ask() const {
    if (asks_.empty()) return std::nullopt;
    return asks_.begin()->first;
  }
  int64_t depth(Side side, int levels) const;  // resting quantity in the best `levels` levels
  size_t resting_orders() const { return index_.size(); }
  size_t levels() const { return bids_.size() + asks_.size(); }

 private:
  struct Level {
    std::deque<Order> orders;
    int64_t total = 0;
  };
  struct Location {
    Side side;
    int64_t price;
  };
  template <class Book, class Crosses>
  int64_t match(Book& book, int trader, Side side, int64_t qty, Crosses crosses);
  template <class Book>
  void remove(Book& book, int64_t price, uint64_t id);

  std::map<int64_t, Level, std::greater<int64_t>> bids_;  // best (highest) first
  std::map<int64_t, Level> asks_;                         // best (lowest) first
  std::unordered_map<uint64_t, Location> index_;
  uint64_t next_id_ = 1;
  FillSink& sink_;
};
