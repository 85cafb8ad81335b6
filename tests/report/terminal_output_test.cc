// orchestrator/report/terminal_output: the one table every command prints, and the colour
// decision (--color, the terminal, NO_COLOR, CLICOLOR_FORCE, TERM=dumb).
#include "orchestrator/report/terminal_output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "orchestrator/report/terminal.h"
#include "tests/report/sample_report.h"

namespace pgo {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A terminal with nothing in the environment about colour.
ColorEnvironment terminal() { return {true, std::nullopt, std::nullopt, "xterm-256color"}; }

std::string printed(const Table& table, const TerminalStyle& style = {}) {
  std::ostringstream out;
  table.print(out, style);
  return out.str();
}

TEST(TerminalTable, AlignsColumnsAndLeavesTheLastUnpadded) {
  Table table({"name", "speedup", "verdict"});
  table.add({"fib", "1.250x", "faster"});
  table.add({"mandelbrot", "0.990x", "no_change"}, "    note: under the row\n");
  EXPECT_EQ(printed(table),
            "  name        speedup  verdict\n"
            "  fib         1.250x   faster\n"
            "  mandelbrot  0.990x   no_change\n"
            "    note: under the row\n");
}

TEST(TerminalTable, TakesItsIndentAndKnowsWhetherItHasRows) {
  Table table({"TARGET", "STATUS"}, "");
  EXPECT_FALSE(table.has_rows());
  table.add({"app", "fresh"});
  EXPECT_TRUE(table.has_rows());
  EXPECT_EQ(printed(table), "TARGET  STATUS\napp     fresh\n");
}

TEST(TerminalTable, PadsByTheTextNotByTheEscapeCodes) {
  Table table({"verdict", "p"});
  table.add({Cell("faster", Tone::Good), "0.0001"});
  table.add({Cell("no_change", Tone::Neutral), "0.4000"});
  EXPECT_EQ(printed(table, TerminalStyle(true)),
            "  verdict    p\n"
            "  \033[32mfaster\033[0m     0.0001\n"
            "  \033[33mno_change\033[0m  0.4000\n");
  EXPECT_EQ(printed(table), "  verdict    p\n  faster     0.0001\n  no_change  0.4000\n");
}

TEST(TerminalColor, PaintsOnlyWhenColourIsOnAndTheToneSaysSomething) {
  EXPECT_EQ(TerminalStyle(true).paint("slower", Tone::Bad), "\033[31mslower\033[0m");
  EXPECT_EQ(TerminalStyle(true).paint("app", Tone::Plain), "app");
  EXPECT_EQ(TerminalStyle(false).paint("slower", Tone::Bad), "slower");
  EXPECT_EQ(TerminalStyle().paint("fresh", Tone::Good), "fresh");
}

TEST(TerminalColor, AlwaysAndNeverWinOverTheEnvironment) {
  ColorEnvironment piped;  // not a terminal
  EXPECT_TRUE(use_color(ColorMode::Always, piped));
  ColorEnvironment tty = terminal();
  tty.clicolor_force = "1";
  EXPECT_FALSE(use_color(ColorMode::Never, tty));
}

TEST(TerminalColor, AutoColoursATerminalOnly) {
  EXPECT_TRUE(use_color(ColorMode::Auto, terminal()));
  EXPECT_FALSE(use_color(ColorMode::Auto, ColorEnvironment{}));
}

TEST(TerminalColor, NoColorTurnsAutoOffWhenSetAndNotEmpty) {
  ColorEnvironment env = terminal();
  env.no_color = "1";
  EXPECT_FALSE(use_color(ColorMode::Auto, env));
  env.clicolor_force = "1";  // NO_COLOR wins
  EXPECT_FALSE(use_color(ColorMode::Auto, env));
  env = terminal();
  env.no_color = "";  // set but empty: no-color.org says ignore it
  EXPECT_TRUE(use_color(ColorMode::Auto, env));
}

TEST(TerminalColor, DumbTerminalGetsNoEscapeCodes) {
  ColorEnvironment env = terminal();
  env.term = "dumb";
  EXPECT_FALSE(use_color(ColorMode::Auto, env));
  env.clicolor_force = "1";
  EXPECT_FALSE(use_color(ColorMode::Auto, env));
}

TEST(TerminalColor, ClicolorForceColoursAPipeUnlessZero) {
  ColorEnvironment env;  // not a terminal
  env.clicolor_force = "1";
  EXPECT_TRUE(use_color(ColorMode::Auto, env));
  env.clicolor_force = "0";
  EXPECT_FALSE(use_color(ColorMode::Auto, env));
  env = terminal();
  env.clicolor_force = "0";  // "0" does not force, nor forbid: a terminal stays coloured
  EXPECT_TRUE(use_color(ColorMode::Auto, env));
}

std::string report_text(const TerminalStyle& style) {
  std::ostringstream out;
  print_terminal_report(testing::sample_report(), out, style);
  return out.str();
}

TEST(TerminalColor, NoColorAndDumbTerminalPrintNoEscapeCodesEvenOnATerminal) {
  ColorEnvironment no_color = terminal(), dumb = terminal();
  no_color.no_color = "1";
  dumb.term = "dumb";
  for (const ColorEnvironment& env : {no_color, dumb}) {
    const std::string text = report_text(TerminalStyle(use_color(ColorMode::Auto, env)));
    EXPECT_THAT(text, HasSubstr("faster"));
    EXPECT_THAT(text, Not(HasSubstr("\033"))) << text;
  }
}

TEST(TerminalColor, ReportColoursItsVerdictsOnATerminal) {
  const std::string text = report_text(TerminalStyle(use_color(ColorMode::Auto, terminal())));
  EXPECT_THAT(text, HasSubstr("\033[32mfaster\033[0m"));
  EXPECT_THAT(text, HasSubstr("\033[31mslower\033[0m"));
  EXPECT_THAT(text, HasSubstr("\033[33mno_change\033[0m"));
  // Colour changes nothing else: without the escape codes the text is the plain report.
  std::string stripped = text;
  for (const char* code : {"\033[32m", "\033[31m", "\033[33m", "\033[0m"})
    for (size_t at; (at = stripped.find(code)) != std::string::npos;) stripped.erase(at, std::string(code).size());
  EXPECT_EQ(stripped, report_text(TerminalStyle()));
}

}  // namespace
}  // namespace pgo
