// The exchange (an order book plus a trade tape) and the traders that use it.
#pragma once

#include <cstdint>
#include <deque>
#include <iosfwd>
#include <memory>
#include <vector>

#include "indicators.h"
#include "order_book.h"

// xorshift64*: small, fast and identical on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }
  int64_t range(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

 private:
  uint64_t state_;
};

class Exchange;

class Trader {
 public:
  virtual ~Trader() = default;
  virtual const char* kind() const = 0;
  virtual void on_tick(Exchange& ex, Rng& rng) = 0;
  // Called for every fill this trader takes part in; the base keeps the books.
  virtual void on_fill(const Fill& fill, bool as_maker);
  // Feeds the last trade price to every indicator of this trader, once per tick.
  void observe(int64_t price) {
    for (auto& indicator : indicators_) indicator->update(price);
  }

  int index = -1;
  int64_t position = 0;
  int64_t cash = 0;
  int64_t fills = 0;
  int64_t volume = 0;

 protected:
  Indicator* watch(std::unique_ptr<Indicator> indicator) {
    indicators_.push_back(std::move(indicator));
    return indicators_.back().get();
  }

 private:
  std::vector<std::unique_ptr<Indicator>> indicators_;
};

struct Tape {
  int64_t trades = 0;
  int64_t volume = 0;
  int64_t notional = 0;
  int64_t last_price = 0;
  int64_t high = 0;
  int64_t low = 0;
  uint64_t checksum = 0xcbf29ce484222325ull;
};

class Exchange final : public FillSink {
 public:
  explicit Exchange(int64_t start_price);
  void add(std::unique_ptr<Trader> trader);
  void run(int ticks, Rng& rng);
  void report(std::ostream& out) const;

  // Order entry, counted for the report.
  uint64_t limit(int trader, Side side, int64_t price, int64_t qty);  // resting id or 0
  int64_t market(int trader, Side side, int64_t qty);                 // filled quantity
  bool cancel(uint64_t order_id);                                      // false if gone

  const OrderBook& book() const { return book_; }
  int64_t last_price() const { return tape_.last_price; }
  int64_t mid() const;  // best bid/ask midpoint, or the last price when a side is empty
  int64_t spread() const;

  void on_fill(const Fill& fill) override;

 private:
  OrderBook book_;
  Tape tape_;
  int64_t orders_ = 0, cancels_ = 0;
  std::vector<std::unique_ptr<Trader>> traders_;
  std::vector<int64_t> closes_;  // last price every 1000 ticks
};

std::unique_ptr<Trader> make_market_maker(int64_t half_spread, int64_t size, int64_t max_inventory,
                                          double requote);
std::unique_ptr<Trader> make_noise_trader(double rate, int64_t width, int64_t max_size);
std::unique_ptr<Trader> make_momentum_trader(int fast, int slow, int64_t threshold, int64_t size,
                                             int64_t max_position);
std::unique_ptr<Trader> make_mean_reverter(size_t window, int64_t band, int64_t size);
