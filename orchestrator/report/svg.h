// Inline SVG for report.html: the speedup forest plot and the per-workload strip plots,
// plus the few text helpers (XML escaping, UTF-8-safe shortening, number and time
// formatting) that the HTML and Markdown renderings share. No I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/bench/statistics.h"
#include "support/strings.h"  // format_fixed: the numbers' formatter, shared with the terminal

namespace pgo::svg {

// --- Text. -------------------------------------------------------------------------

// Escapes & < > " ' for use in XML/HTML text and attribute values. Control characters other
// than tab and newline are dropped (they are not allowed in XML 1.0).
std::string escape(std::string_view text);
// At most `max_chars` code points of `text`, ending in "…" when shortened. Never splits a
// UTF-8 sequence.
std::string shorten(std::string_view text, size_t max_chars);
// "12.3 ms", "850 µs", "1.24 s", "2m 05s" (3 significant digits); "-" when not finite.
std::string format_seconds(double seconds);
// "12.3 ± 0.41 ms": median and spread in the median's unit.
std::string format_seconds_spread(double median, double spread);

// --- Plots. ------------------------------------------------------------------------

struct ForestRow {
  std::string label;    // shown left of the row (shortened if long)
  std::string tooltip;  // full text, shown on hover (<title>)
  double speedup = 0, lo = 0, hi = 0;  // NaN: no estimate (failed benchmark)
  bench::Verdict verdict = bench::Verdict::NoChange;
  bool failed = false;
  bool summary = false;  // a geometric-mean row: diamond, no interval
};

// Horizontal forest plot: one row per entry, the point estimate with its 95% CI bar, a
// vertical line at 1.0 and a shaded band for 1 ± noise. Rows without an estimate show a note.
std::string forest_plot(const std::vector<ForestRow>& rows, double noise);

struct StripSeries {
  std::string name;  // "baseline", "optimized"
  std::string color;
  std::vector<double> values;  // seconds
  std::vector<bool> outlier;   // same length as values (or empty)
};

// Strip plot of wall-time samples on a shared time axis: one lane per series with every
// sample as a dot (outliers hollow), a box from the 25th to the 75th percentile and a
// median tick. Series without values show "no samples".
std::string strip_plot(std::string_view title, const std::vector<StripSeries>& series);

// Up to about `target` round tick values covering [lo, hi] (steps of 1, 2 or 5 x 10^k).
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

}  // namespace pgo::svg
