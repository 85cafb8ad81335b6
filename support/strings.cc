#include "support/strings.h"

#include <cmath>
#include <cstdio>

namespace pgo {

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string shell_quote_for_display(const std::vector<std::string>& argv, size_t max_bytes) {
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    std::string word;
    bool plain = !a.empty() && a.find_first_not_of(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./=:,+@%") == std::string::npos;
    if (plain) {
      word = a;
    } else {
      word = '\'';
      for (char c : a) word += (c == '\'') ? std::string("'\\''") : std::string(1, c);
      word += '\'';
    }
    if (i > 0) word.insert(0, 1, ' ');
    if (out.size() + word.size() > max_bytes) {
      // A 20 MB argument would otherwise become a 20 MB error message.
      size_t keep = max_bytes > out.size() ? max_bytes - out.size() : 0;
      size_t cut = word.size() - keep;
      for (size_t j = i + 1; j < argv.size(); ++j) cut += argv[j].size() + 1;
      out += word.substr(0, keep);
      out += "... [" + std::to_string(cut) + " more bytes";
      if (i + 1 < argv.size()) out += ", " + std::to_string(argv.size() - i - 1) + " more arguments";
      return out + " not shown]";
    }
    out += word;
  }
  return out;
}

std::string tail_lines(std::string_view text, size_t max_lines, size_t max_bytes) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  size_t pos = text.size();
  size_t lines = 0;
  while (pos > 0 && lines < max_lines) {
    size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string_view::npos) { pos = 0; break; }
    pos = nl;
    ++lines;
    if (lines == max_lines) { ++pos; break; }
  }
  std::string_view tail = text.substr(pos);
  if (tail.size() > max_bytes) tail = tail.substr(tail.size() - max_bytes);
  return std::string(tail);
}

size_t count_lines_containing(std::string_view text, std::string_view needle) {
  size_t count = 0, start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (text.substr(start, end - start).find(needle) != std::string_view::npos) ++count;
    start = end + 1;
  }
  return count;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string format_duration(double seconds) {
  char buf[64];
  if (seconds < 1.0) {
    std::snprintf(buf, sizeof buf, "%.0f ms", seconds * 1000);
  } else if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  } else {
    int total = static_cast<int>(seconds + 0.5);
    std::snprintf(buf, sizeof buf, "%dm %02ds", total / 60, total % 60);
  }
  return buf;
}

std::string format_fixed(double value, int digits) {
  if (!std::isfinite(value)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

}  // namespace pgo
