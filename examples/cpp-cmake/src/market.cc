#include "market.h"

#include <algorithm>
#include <map>
#include <ostream>
#include <string>

void Trader::on_fill(const Fill& fill, bool as_maker) {
  bool buyer = (fill.taker_side == Side::Buy) != as_maker;
  int64_t notional = fill.price * fill.qty;
  position += buyer ? fill.qty : -fill.qty;
  cash += buyer ? -notional : notional;
  fills++;
  volume += fill.qty;
}

Exchange::Exchange(int64_t start_price) : book_(*this) {
  tape_.last_price = tape_.high = tape_.low = start_price;
}

void Exchange::add(std::unique_ptr<Trader> trader) {
  trader->index = static_cast<int>(traders_.size());
  traders_.push_back(std::move(trader));
}

int64_t Exchange::mid() const {
  auto bid = book_.best_bid(), ask = book_.best_ask();
  if (bid && ask) return (*bid + *ask) / 2;
  return tape_.last_price;
}

int64_t Exchange::spread() const {
  auto bid = book_.best_bid(), ask = book_.best_ask();
  return bid && ask ? *ask - *bid : -1;
}

uint64_t Exchange::limit(int trader, Side side, int64_t price, int64_t qty) {
  orders_++;
  return book_.limit(trader, side, price, qty);
}

int64_t Exchange::market(int trader, Side side, int64_t qty) {
  orders_++;
  return book_.market(trader, side, qty);
}

bool Exchange::cancel(uint64_t order_id) {
  cancels_++;
  return book_.cancel(order_id);
}

void Exchange::on_fill(const Fill& fill) {
  tape_.trades++;
  tape_.volume += fill.qty;
  tape_.notional += fill.price * fill.qty;
  tape_.last_price = fill.price;
  tape_.high = std::max(tape_.high, fill.price);
  tape_.low = std::min(tape_.low, fill.price);
  for (uint64_t word : {fill.maker_order, static_cast<uint64_t>(fill.price),
                        static_cast<uint64_t>(fill.qty)})
    tape_.checksum = (tape_.checksum ^ word) * 0x100000001b3ull;
  traders_[fill.maker]->on_fill(fill, true);
  traders_[fill.taker]->on_fill(fill, false);
}

void Exchange::run(int ticks, Rng& rng) {
  size_t n = traders_.size();
  for (int t = 0; t < ticks; t++) {
    for (auto& trader : traders_) trader->observe(tape_.last_price);
    // rotate who acts first so that no trader is always ahead of the others
    for (size_t i = 0; i < n; i++) traders_[(t + i) % n]->on_tick(*this, rng);
    if ((t + 1) % 1000 == 0) closes_.push_back(tape_.last_price);
  }
}

void Exchange::report(std::ostream& out) const {
  out << "trades " << tape_.trades << " volume " << tape_.volume << " vwap "
      << (tape_.volume ? tape_.notional / tape_.volume : 0) << " last " << tape_.last_price
      << " high " << tape_.high << " low " << tape_.low << "\n";
  out << "orders " << orders_ << " cancels " << cancels_ << "\n";
  out << "book: " << book_.resting_orders() << " resting orders on " << book_.levels()
      << " levels, spread " << spread() << ", depth(5) bid " << book_.depth(Side::Buy, 5)
      << " ask " << book_.depth(Side::Sell, 5) << "\n";
  out << "closes:";
  for (size_t i = 0; i < closes_.size(); i += std::max<size_t>(1, closes_.size() / 10))
    out << ' ' << closes_[i];
  out << "\n";
  // per kind of trader: count, net position, fills, volume and mark-to-market P&L
  struct Sum { int count = 0; int64_t position = 0, fills = 0, volume = 0, pnl = 0; };
  std::map<std::string, Sum> by_kind;
  int64_t net = 0;
  for (const auto& t : traders_) {
    Sum& s = by_kind[t->kind()];
    s.count++;
    s.position += t->position;
    s.fills += t->fills;
    s.volume += t->volume;
    s.pnl += t->cash + t->position * tape_.last_price;
    net += t->position;
  }
  for (const auto& [kind, s] : by_kind)
    out << kind << " x" << s.count << ": position " << s.position << " fills " << s.fills
        << " volume " << s.volume << " pnl " << s.pnl << "\n";
  out << "net position " << net << " (must be 0)\n";
  out << "checksum " << std::hex << tape_.checksum << std::dec << "\n";
}

namespace {

int64_t clamp_price(int64_t p) { return std::clamp<int64_t>(p, 100, 1000000); }

// Quotes both sides around the mid, leaning against its inventory.
class MarketMaker final : public Trader {
 public:
  MarketMaker(int64_t half_spread, int64_t size, int64_t max_inventory, double requote)
      : half_spread_(half_spread), size_(size), max_inventory_(max_inventory), requote_(requote),
        fair_(watch(make_ema(3))), range_(watch(make_channel(16))) {}
  const char* kind() const override { return "market-maker"; }

  void on_tick(Exchange& ex, Rng& rng) override {
    if (!stale_ && !rng.chance(requote_)) return;
    if (bid_) ex.cancel(bid_);
    if (ask_) ex.cancel(ask_);
    bid_ = ask_ = 0;
    // widen the quotes when the price moves a lot, lean against the inventory
    int64_t half_spread = half_spread_ + (range_->ready() ? range_->value() / 8 : 0);
    int64_t skew = position * half_spread / (2 * max_inventory_);
    int64_t m = (fair_->ready() ? (ex.mid() + fair_->value()) / 2 : ex.mid()) - skew;
    if (position < max_inventory_)
      bid_ = ex.limit(index, Side::Buy, clamp_price(m - half_spread), size_);
    if (position > -max_inventory_)
      ask_ = ex.limit(index, Side::Sell, clamp_price(m + half_spread), size_);
    stale_ = false;
  }

  void on_fill(const Fill& fill, bool as_maker) override {
    Trader::on_fill(fill, as_maker);
    if (as_maker && (fill.maker_order == bid_ || fill.maker_order == ask_)) stale_ = true;
  }

 private:
  int64_t half_spread_, size_, max_inventory_;
  double requote_;
  Indicator* fair_;
  Indicator* range_;
  uint64_t bid_ = 0, ask_ = 0;
  bool stale_ = true;
};

// Places random limit orders near the mid and cancels old ones at random.
class NoiseTrader final : public Trader {
 public:
  NoiseTrader(double rate, int64_t width, int64_t max_size)
      : rate_(rate), width_(width), max_size_(max_size), volatility_(watch(make_volatility(4))) {}
  const char* kind() const override { return "noise"; }

  void on_tick(Exchange& ex, Rng& rng) override {
    if (!rng.chance(rate_)) return;
    Side side = rng.chance(0.5) ? Side::Buy : Side::Sell;
    int64_t width = width_ + volatility_->value();
    int64_t offset = rng.range(-width / 4, width);
    // round the mid down for bids and up for asks, so neither side is favoured
    int64_t twice_mid = 2 * ex.mid() + (ex.spread() > 0 ? ex.spread() % 2 : 0);
    int64_t price = side == Side::Buy ? twice_mid / 2 - offset : (twice_mid + 1) / 2 + offset;
    uint64_t id = ex.limit(index, side, clamp_price(price), rng.range(1, max_size_));
    if (id) open_.push_back(id);
    if (open_.size() > 24) {
      size_t victim = static_cast<size_t>(rng.range(0, static_cast<int64_t>(open_.size()) - 1));
      ex.cancel(open_[victim]);  // may already be filled
      open_[victim] = open_.back();
      open_.pop_back();
    }
  }

 private:
  double rate_;
  int64_t width_, max_size_;
  Indicator* volatility_;
  std::vector<uint64_t> open_;
};

// Follows the trend with market orders: fast average above the slow one and rising.
class MomentumTrader final : public Trader {
 public:
  MomentumTrader(int fast, int slow, int64_t threshold, int64_t size, int64_t max_position)
      : threshold_(threshold), size_(size), max_position_(max_position),
        fast_(watch(make_ema(fast))), slow_(watch(make_ema(slow))), change_(watch(make_change(8))) {}
  const char* kind() const override { return "momentum"; }

  void on_tick(Exchange& ex, Rng& rng) override {
    if (!slow_->ready() || !change_->ready()) return;
    int64_t trend = fast_->value() - slow_->value(), change = change_->value();
    if (trend > threshold_ && change > 0 && position < max_position_)
      ex.market(index, Side::Buy, size_);
    else if (trend < -threshold_ && change < 0 && position > -max_position_)
      ex.market(index, Side::Sell, size_);
    else if (position != 0 && rng.chance(0.02))
      ex.market(index, position > 0 ? Side::Sell : Side::Buy,
                       std::min<int64_t>(size_, position > 0 ? position : -position));
  }

 private:
  int64_t threshold_, size_, max_position_;
  Indicator* fast_;
  Indicator* slow_;
  Indicator* change_;
};

// Bets that the price returns to its moving average, with one resting order at a time.
class MeanReverter final : public Trader {
 public:
  MeanReverter(size_t window, int64_t band, int64_t size)
      : band_(band), size_(size), average_(watch(make_sma(window))),
        volatility_(watch(make_volatility(3))) {}
  const char* kind() const override { return "mean-reverter"; }

  void on_tick(Exchange& ex, Rng& rng) override {
    if (!average_->ready() || !rng.chance(0.2)) return;
    int64_t last = ex.last_price(), average = average_->value();
    int64_t band = band_ + 2 * volatility_->value();
    if (order_) ex.cancel(order_);
    order_ = 0;
    if (last < average - band && position < 20 * size_)
      order_ = ex.limit(index, Side::Buy, last, size_);
    else if (last > average + band && position > -20 * size_)
      order_ = ex.limit(index, Side::Sell, last, size_);
  }

 private:
  int64_t band_, size_;
  Indicator* average_;
  Indicator* volatility_;
  uint64_t order_ = 0;
};

}  // namespace

std::unique_ptr<Trader> make_market_maker(int64_t half_spread, int64_t size, int64_t max_inventory,
                                          double requote) {
  return std::make_unique<MarketMaker>(half_spread, size, max_inventory, requote);
}
std::unique_ptr<Trader> make_noise_trader(double rate, int64_t width, int64_t max_size) {
  return std::make_unique<NoiseTrader>(rate, width, max_size);
}
std::unique_ptr<Trader> make_momentum_trader(int fast, int slow, int64_t threshold, int64_t size,
                                             int64_t max_position) {
  return std::make_unique<MomentumTrader>(fast, slow, threshold, size, max_position);
}
std::unique_ptr<Trader> make_mean_reverter(size_t window, int64_t band, int64_t size) {
  return std::make_unique<MeanReverter>(window, band, size);
}
