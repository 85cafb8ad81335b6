// Small string helpers shared by every layer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgo {

std::string join(const std::vector<std::string>& parts, std::string_view sep);
// Quotes an argv for display (never for a shell to run). Past `max_bytes` the rest is left
// out and counted ("... [20000000 more bytes, 2 more arguments not shown]").
inline constexpr size_t kMaxCommandShown = 4096;
std::string shell_quote_for_display(const std::vector<std::string>& argv, size_t max_bytes = kMaxCommandShown);
// The last `max_lines` lines of `text`, at most `max_bytes` bytes.
std::string tail_lines(std::string_view text, size_t max_lines, size_t max_bytes = 4096);
// Counts lines of `text` that contain `needle`.
size_t count_lines_containing(std::string_view text, std::string_view needle);
std::string trim(std::string_view s);
// Human-readable seconds: "850 ms", "12.3 s", "2m 05s".
std::string format_duration(double seconds);
// The one fixed-point number formatter of every rendering (terminal, Markdown, HTML, SVG):
// printf("%.*f"), e.g. "1.235" for (1.23456, 3); "-" when not finite (a failed benchmark).
std::string format_fixed(double value, int digits);

}  // namespace pgo
