#include "orchestrator/report/terminal_output.h"

#include <algorithm>
#include <cstdlib>

#include <unistd.h>

namespace pgo {
namespace {

std::optional<std::string> environment_variable(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return std::nullopt;
  return std::string(value);
}

// SGR codes: green, red, yellow; then back to the terminal's default.
const char* escape_code(Tone tone) {
  switch (tone) {
    case Tone::Good: return "\033[32m";
    case Tone::Bad: return "\033[31m";
    case Tone::Neutral: return "\033[33m";
    case Tone::Plain: return "";
  }
  return "";
}
constexpr const char* kReset = "\033[0m";

}  // namespace

bool use_color(ColorMode mode, const ColorEnvironment& env) {
  switch (mode) {
    case ColorMode::Never: return false;
    case ColorMode::Always: return true;
    case ColorMode::Auto: break;
  }
  // https://no-color.org: set and not empty. A dumb terminal shows escape codes as text.
  if (env.no_color && !env.no_color->empty()) return false;
  if (env.term && *env.term == "dumb") return false;
  if (env.clicolor_force && *env.clicolor_force != "0") return true;
  return env.is_terminal;
}

ColorEnvironment color_environment(int fd) {
  return {isatty(fd) == 1, environment_variable("NO_COLOR"), environment_variable("CLICOLOR_FORCE"),
          environment_variable("TERM")};
}

std::string TerminalStyle::paint(std::string_view text, Tone tone) const {
  if (!color_ || tone == Tone::Plain) return std::string(text);
  return escape_code(tone) + std::string(text) + kReset;
}

Table::Table(const std::vector<std::string>& header, std::string indent) : indent_(std::move(indent)) {
  rows_.push_back({std::vector<Cell>(header.begin(), header.end()), {}});
}

void Table::add(std::vector<Cell> row, std::string below) { rows_.push_back({std::move(row), std::move(below)}); }

void Table::print(std::ostream& out, const TerminalStyle& style) const {
  std::vector<size_t> width(rows_.front().cells.size(), 0);
  for (const Row& row : rows_)
    for (size_t i = 0; i < row.cells.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], row.cells[i].text.size());
  for (const Row& row : rows_) {
    out << indent_;
    for (size_t i = 0; i < row.cells.size(); ++i) {
      const Cell& cell = row.cells[i];
      out << style.paint(cell.text, cell.tone);
      if (i + 1 < row.cells.size() && i < width.size()) out << std::string(width[i] - cell.text.size() + 2, ' ');
    }
    out << '\n' << row.below;
  }
}

}  // namespace pgo
