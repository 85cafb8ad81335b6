// Terminal output's one home: the aligned text table that every command prints (`pgo build`'s
// and `pgo bench`'s report, `pgo bench --compare`, `pgo status`), and colour: whether to use
// it (--color, the terminal, NO_COLOR, CLICOLOR_FORCE, TERM=dumb) and how a word is painted.
// Numbers in the cells come from format_fixed (support/strings.h).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace pgo {

// --- Colour ------------------------------------------------------------------------

enum class ColorMode { Auto, Always, Never };

// What decides ColorMode::Auto: whether the output is a terminal, and three environment
// variables (nullopt: unset).
struct ColorEnvironment {
  bool is_terminal = false;
  std::optional<std::string> no_color, clicolor_force, term;
};

// Never: no. Always: yes (the option asks for it, as with `| less -R`). Auto: no when NO_COLOR
// is set and not empty or TERM is "dumb"; yes when CLICOLOR_FORCE is set and not "0"; else
// whether the output is a terminal.
bool use_color(ColorMode mode, const ColorEnvironment& env);
// This process's: isatty(fd) and its environment.
ColorEnvironment color_environment(int fd);

// What a word says, which picks its colour: good (faster, improvement, fresh), bad (slower,
// regression, STALE, MISSING), neutral (no_change).
enum class Tone { Plain, Good, Bad, Neutral };

// How output is styled. The default is plain text: what tests, pipes and files get.
class TerminalStyle {
 public:
  TerminalStyle() = default;
  explicit TerminalStyle(bool color) : color_(color) {}
  bool color() const { return color_; }
  // `text` between the tone's escape codes; as it is without colour or for Tone::Plain.
  std::string paint(std::string_view text, Tone tone) const;

 private:
  bool color_ = false;
};

// --- Table -------------------------------------------------------------------------

struct Cell {
  Cell(std::string text, Tone tone = Tone::Plain) : text(std::move(text)), tone(tone) {}
  Cell(const char* text) : text(text) {}
  std::string text;
  Tone tone = Tone::Plain;
};

// Left-aligned columns two spaces apart, each as wide as its widest cell (counted in bytes,
// never in escape codes); the last column is not padded. Every row's line starts with
// `indent`; the lines `below` a row (already formatted, each ending in '\n') follow it.
class Table {
 public:
  explicit Table(const std::vector<std::string>& header, std::string indent = "  ");
  void add(std::vector<Cell> row, std::string below = {});
  bool has_rows() const { return rows_.size() > 1; }
  void print(std::ostream& out, const TerminalStyle& style = {}) const;

 private:
  struct Row {
    std::vector<Cell> cells;
    std::string below;
  };
  std::string indent_;
  std::vector<Row> rows_;  // the header first
};

}  // namespace pgo
