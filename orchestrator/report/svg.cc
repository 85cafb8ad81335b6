#include "orchestrator/report/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace pgo::svg {
namespace {

bool finite(double v) { return std::isfinite(v); }

// `value` with 3 significant digits (at most 6 decimals).
std::string significant(double value) {
  if (value == 0 || !finite(value)) return "0";
  int digits = 2 - static_cast<int>(std::floor(std::log10(std::fabs(value))));
  digits = std::clamp(digits, 0, 6);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

struct TimeUnit {
  double scale;
  const char* name;
};

TimeUnit unit_for(double seconds) {
  const double s = std::fabs(seconds);
  if (s >= 1 || s == 0) return {1, "s"};
  if (s >= 1e-3) return {1e3, "ms"};
  if (s >= 1e-6) return {1e6, "µs"};
  return {1e9, "ns"};
}

// Coordinates with one decimal: enough for the screen, short in the file.
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", finite(v) ? v : 0.0);
  return buf;
}

class Builder {
 public:
  Builder(double width, double height, std::string_view label) {
    out_ = "<svg class=\"plot\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\" width=\"" + num(width) +
           "\" height=\"" + num(height) + "\" role=\"img\" aria-label=\"" + escape(label) + "\" font-size=\"12\">";
  }
  void rect(double x, double y, double w, double h, std::string_view attrs) {
    out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(w, 0.0)) + "\" height=\"" +
            num(std::max(h, 0.0)) + "\" " + std::string(attrs) + "/>";
  }
  void line(double x1, double y1, double x2, double y2, std::string_view attrs) {
    out_ += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) + "\" " +
            std::string(attrs) + "/>";
  }
  void circle(double cx, double cy, double r, std::string_view attrs) {
    out_ += "<circle cx=\"" + num(cx) + "\" cy=\"" + num(cy) + "\" r=\"" + num(r) + "\" " + std::string(attrs) + "/>";
  }
  // `text` is escaped here; `title` (optional) becomes a hover tooltip.
  void text(double x, double y, std::string_view text, std::string_view attrs, std::string_view title = {}) {
    out_ += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" " + std::string(attrs) + ">";
    if (!title.empty()) out_ += "<title>" + escape(title) + "</title>";
    out_ += escape(text) + "</text>";
  }
  void raw(std::string_view s) { out_ += s; }
  std::string finish() { return out_ + "</svg>"; }

 private:
  std::string out_;
};

// Linear map from [d0, d1] to [r0, r1].
struct Scale {
  double d0, d1, r0, r1;
  double operator()(double v) const { return r0 + (v - d0) / (d1 - d0) * (r1 - r0); }
};

// [lo, hi] widened by `pad` of its span, never empty.
void pad_domain(double& lo, double& hi, double pad, double min_span) {
  if (hi - lo < min_span) {
    const double mid = (lo + hi) / 2;
    lo = mid - min_span / 2;
    hi = mid + min_span / 2;
  }
  const double span = hi - lo;
  lo -= span * pad;
  hi += span * pad;
}

int decimals_for_step(double step) {
  return std::clamp(static_cast<int>(std::ceil(-std::log10(step) - 1e-9)), 0, 6);
}

// A time-axis label in the unit of the largest tick, with the decimals the step needs, so
// that labels read alike ("90 ms", "100 ms", not "90.0 ms", "100 ms").
std::string tick_label(double t, const std::vector<double>& ticks) {
  if (ticks.back() >= 60) return format_seconds(t);
  const TimeUnit u = unit_for(ticks.back());
  const int decimals = ticks.size() > 1 ? decimals_for_step((ticks[1] - ticks[0]) * u.scale) : 2;
  return format_fixed(t * u.scale, decimals) + " " + u.name;
}

const char* verdict_color(const ForestRow& r) {
  if (r.summary) return "#0969da";
  if (r.failed) return "#cf222e";
  switch (r.verdict) {
    case bench::Verdict::Faster: return "#1a7f37";
    case bench::Verdict::Slower: return "#cf222e";
    case bench::Verdict::NoChange: break;
  }
  return "#57606a";
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') break;
        out += c;
    }
  }
  return out;
}

std::string shorten(std::string_view text, size_t max_chars) {
  if (max_chars == 0) return {};
  // Byte offset where code point number `max_chars - 1` starts: the cut that leaves room
  // for the ellipsis. Only used when the text has more than `max_chars` code points.
  size_t chars = 0, cut = text.size();
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars - 1) cut = i;
    if (++chars > max_chars) return std::string(text.substr(0, cut)) + "…";
  }
  return std::string(text);
}

std::string format_seconds(double seconds) {
  if (!finite(seconds)) return "-";
  if (seconds >= 60) {
    const long total = std::lround(seconds);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%ldm %02lds", total / 60, total % 60);
    return buf;
  }
  const TimeUnit u = unit_for(seconds);
  return significant(seconds * u.scale) + " " + u.name;
}

std::string format_seconds_spread(double median, double spread) {
  if (!finite(median)) return "-";
  const TimeUnit u = unit_for(median != 0 ? median : spread);
  return significant(median * u.scale) + " ± " + significant(spread * u.scale) + " " + u.name;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!finite(lo) || !finite(hi) || hi <= lo || target < 1) return {};
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double multiple = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  const double step = multiple * mag;
  // k * multiple / 10^n rather than k * step: the division by an exact integer rounds to
  // the double nearest the decimal value (0.95, not 0.9500000000000001).
  const double inverse = mag < 1 ? std::round(1 / mag) : 0;
  std::vector<double> ticks;
  for (double k = std::ceil(lo / step); k * step <= hi + step * 1e-9 && ticks.size() < 50; k += 1) {
    const double v = inverse > 0 ? k * multiple / inverse : k * step;
    ticks.push_back(v == 0 ? 0.0 : v);
  }
  return ticks;
}

std::string forest_plot(const std::vector<ForestRow>& rows, double noise) {
  constexpr double kWidth = 1040, kLabelRight = 262, kX0 = 272, kX1 = 830, kTop = 10, kRow = 24;
  const double height = kTop + kRow * static_cast<double>(rows.size()) + 52;
  double lo = 1 - noise, hi = 1 + noise;
  for (const auto& r : rows) {
    for (double v : {r.speedup, r.lo, r.hi}) {
      if (!finite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  pad_domain(lo, hi, 0.06, 0.04);
  const Scale x{lo, hi, kX0, kX1};
  const double bottom = kTop + kRow * static_cast<double>(rows.size());

  Builder svg(kWidth, height, "Speedup of the optimized binary per workload, with 95% confidence intervals");
  for (size_t i = 0; i < rows.size(); ++i)
    if (i % 2 == 1) svg.rect(0, kTop + kRow * static_cast<double>(i), kWidth, kRow, "fill=\"#f6f8fa\"");
  svg.rect(x(1 - noise), kTop, x(1 + noise) - x(1 - noise), bottom - kTop, "fill=\"#ddf4ff\"");
  const std::vector<double> ticks = nice_ticks(lo, hi, 6);
  const int decimals = ticks.size() > 1 ? decimals_for_step(ticks[1] - ticks[0]) : 2;
  for (double t : ticks) {
    svg.line(x(t), kTop, x(t), bottom + 4, "stroke=\"#d0d7de\"");
    svg.text(x(t), bottom + 17, format_fixed(t, decimals) + "×", "text-anchor=\"middle\" fill=\"#57606a\"");
  }
  svg.line(x(1), kTop, x(1), bottom + 4, "stroke=\"#24292f\" stroke-width=\"1.5\"");
  svg.text((kX0 + kX1) / 2, bottom + 36,
           "speedup = baseline median / optimized median (> 1: optimized is faster); shaded: 1 ± " +
               format_fixed(noise * 100, noise * 100 < 1 ? 1 : 0) + "% noise band",
           "text-anchor=\"middle\" fill=\"#57606a\"");

  for (size_t i = 0; i < rows.size(); ++i) {
    const ForestRow& r = rows[i];
    const double cy = kTop + kRow * (static_cast<double>(i) + 0.5);
    const std::string color = verdict_color(r);
    svg.text(kLabelRight, cy + 4, shorten(r.label, 38),
             r.summary ? "text-anchor=\"end\" font-weight=\"bold\"" : "text-anchor=\"end\"",
             r.tooltip.empty() ? r.label : r.tooltip);
    if (!finite(r.speedup)) {
      svg.text(kX0 + 6, cy + 4, r.failed ? "benchmark failed: no speedup" : "no speedup measured",
               "fill=\"#cf222e\" font-style=\"italic\"");
      svg.text(kX1 + 12, cy + 4, "-", "fill=\"#57606a\"");
      continue;
    }
    const std::string stroke = "stroke=\"" + color + "\" stroke-width=\"2\"";
    if (!r.summary && finite(r.lo) && finite(r.hi)) {
      svg.line(x(r.lo), cy, x(r.hi), cy, stroke);
      svg.line(x(r.lo), cy - 5, x(r.lo), cy + 5, stroke);
      svg.line(x(r.hi), cy - 5, x(r.hi), cy + 5, stroke);
    }
    const double px = x(r.speedup);
    if (r.summary) {
      svg.raw("<polygon points=\"" + num(px - 8) + "," + num(cy) + " " + num(px) + "," + num(cy - 7) + " " +
              num(px + 8) + "," + num(cy) + " " + num(px) + "," + num(cy + 7) + "\" fill=\"" + color + "\"/>");
    } else {
      svg.circle(px, cy, 4.5, "fill=\"" + color + "\"");
    }
    std::string figure = format_fixed(r.speedup, 3) + "×";
    if (!r.summary && finite(r.lo) && finite(r.hi))
      figure += "  [" + format_fixed(r.lo, 3) + ", " + format_fixed(r.hi, 3) + "]";
    svg.text(kX1 + 12, cy + 4, figure, "fill=\"" + color + "\"" + (r.summary ? " font-weight=\"bold\"" : ""));
  }
  return svg.finish();
}

std::string strip_plot(std::string_view title, const std::vector<StripSeries>& series) {
  constexpr double kWidth = 500, kX0 = 84, kX1 = 484, kTop = 8, kLane = 36;
  const double bottom = kTop + kLane * static_cast<double>(series.size());
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : series)
    for (double v : s.values)
      if (finite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  const bool any = lo <= hi;
  if (!any) lo = 0, hi = 1;
  pad_domain(lo, hi, 0.05, std::max(std::fabs(hi) * 0.02, 1e-9));
  const Scale x{lo, hi, kX0, kX1};

  Builder svg(kWidth, bottom + 26, title);
  const std::vector<double> ticks = any ? nice_ticks(lo, hi, 5) : std::vector<double>{};
  for (double t : ticks) {
    svg.line(x(t), kTop, x(t), bottom + 3, "stroke=\"#d0d7de\"");
    svg.text(x(t), bottom + 16, tick_label(t, ticks), "text-anchor=\"middle\" fill=\"#57606a\"");
  }
  for (size_t lane = 0; lane < series.size(); ++lane) {
    const StripSeries& s = series[lane];
    const double cy = kTop + kLane * (static_cast<double>(lane) + 0.5);
    svg.text(kX0 - 8, cy + 4, s.name, "text-anchor=\"end\" fill=\"" + s.color + "\"");
    std::vector<double> finite_values;
    for (double v : s.values)
      if (finite(v)) finite_values.push_back(v);
    if (finite_values.empty()) {
      svg.text(kX0 + 6, cy + 4, "no samples", "fill=\"#cf222e\" font-style=\"italic\"");
      continue;
    }
    const double q1 = bench::percentile(finite_values, 25), q3 = bench::percentile(finite_values, 75);
    const double med = bench::median(finite_values);
    svg.rect(x(q1), cy - 10, x(q3) - x(q1), 20,
             "fill=\"" + s.color + "\" fill-opacity=\"0.15\" stroke=\"" + s.color + "\"");
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (!finite(s.values[i])) continue;
      // Deterministic jitter (golden-ratio sequence) so dots with equal times stay visible.
      const double jitter = (std::fmod(static_cast<double>(i) * 0.6180339887, 1.0) - 0.5) * 16;
      const bool outlier = i < s.outlier.size() && s.outlier[i];
      svg.circle(x(s.values[i]), cy + jitter, 2.8,
                 outlier ? "fill=\"#ffffff\" stroke=\"" + s.color + "\" stroke-width=\"1.2\""
                         : "fill=\"" + s.color + "\" fill-opacity=\"0.7\"");
    }
    svg.line(x(med), cy - 13, x(med), cy + 13, "stroke=\"" + s.color + "\" stroke-width=\"2.5\"");
  }
  return svg.finish();
}

}  // namespace pgo::svg
