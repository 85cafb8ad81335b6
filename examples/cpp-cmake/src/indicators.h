// Technical indicators the traders base their decisions on. Prices are integers
// (ticks); averages are kept in 16.16 fixed point so that results are exact.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>

class Indicator {
 public:
  virtual ~Indicator() = default;
  virtual void update(int64_t price) = 0;
  virtual int64_t value() const = 0;
  virtual bool ready() const = 0;
};

namespace indicators {

constexpr int kFrac = 16;

class Ema final : public Indicator {
 public:
  explicit Ema(int shift) : shift_(shift) {}
  void update(int64_t price) override {
    int64_t p = price << kFrac;
    if (count_++ == 0) v_ = p;
    else v_ += (p - v_) >> shift_;
  }
  int64_t value() const override { return v_ >> kFrac; }
  bool ready() const override { return count_ > (1 << shift_); }

 private:
  int shift_;
  int64_t v_ = 0, count_ = 0;
};

class Sma final : public Indicator {
 public:
  explicit Sma(size_t window) : window_(window) {}
  void update(int64_t price) override {
    prices_.push_back(price);
    sum_ += price;
    if (prices_.size() > window_) {
      sum_ -= prices_.front();
      prices_.pop_front();
    }
  }
  int64_t value() const override {
    return prices_.empty() ? 0 : sum_ / static_cast<int64_t>(prices_.size());
  }
  bool ready() const override { return prices_.size() == window_; }

 private:
  size_t window_;
  std::deque<int64_t> prices_;
  int64_t sum_ = 0;
};

class Volatility final : public Indicator {
 public:
  explicit Volatility(int shift) : shift_(shift) {}
  void update(int64_t price) override {
    if (count_++ > 0) {
      int64_t change = (price > prev_ ? price - prev_ : prev_ - price) << kFrac;
      v_ += (change - v_) >> shift_;
    }
    prev_ = price;
  }
  int64_t value() const override { return v_ >> kFrac; }
  bool ready() const override { return count_ > 1; }

 private:
  int shift_;
  int64_t v_ = 0, prev_ = 0, count_ = 0;
};

class Channel final : public Indicator {
 public:
  explicit Channel(size_t window) : window_(window) {}
  void update(int64_t price) override {
    prices_.push_back(price);
    if (prices_.size() > window_) prices_.pop_front();
    auto [lo, hi] = std::minmax_element(prices_.begin(), prices_.end());
    range_ = *hi - *lo;
  }
  int64_t value() const override { return range_; }
  bool ready() const override { return prices_.size() == window_; }

 private:
  size_t window_;
  std::deque<int64_t> prices_;
  int64_t range_ = 0;
};

class Change final : public Indicator {
 public:
  explicit Change(size_t lookback) : lookback_(lookback) {}
  void update(int64_t price) override {
    prices_.push_back(price);
    if (prices_.size() > lookback_ + 1) prices_.pop_front();
  }
  int64_t value() const override { return prices_.back() - prices_.front(); }
  bool ready() const override { return prices_.size() == lookback_ + 1; }

 private:
  size_t lookback_;
  std::deque<int64_t> prices_;
};

}  // namespace indicators

// Factories: a trader holds its indicators through the Indicator interface.
inline std::unique_ptr<Indicator> make_ema(int shift) {  // exponential average, alpha = 2^-shift
  return std::make_unique<indicators::Ema>(shift);
}
inline std::unique_ptr<Indicator> make_sma(size_t window) {  // simple moving average
  return std::make_unique<indicators::Sma>(window);
}
inline std::unique_ptr<Indicator> make_volatility(int shift) {  // smoothed absolute change
  return std::make_unique<indicators::Volatility>(shift);
}
inline std::unique_ptr<Indicator> make_channel(size_t window) {  // highest - lowest in a window
  return std::make_unique<indicators::Channel>(window);
}
inline std::unique_ptr<Indicator> make_change(size_t lookback) {  // price now - `lookback` ago
  return std::make_unique<indicators::Change>(lookback);
}
