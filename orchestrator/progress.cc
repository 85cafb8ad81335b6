#include "orchestrator/progress.h"

#include <unistd.h>

#include <cstdio>

#include "support/strings.h"

namespace pgo {

Progress::Progress(bool quiet, bool interactive)
    : tty_(interactive && ::isatty(STDERR_FILENO) == 1), quiet_(quiet) {}

Progress::~Progress() {
  if (line_open_ && tty_) std::fputs("\n", stderr);
}

void Progress::draw(const std::string& text, bool final_line) {
  if (quiet_) return;
  if (tty_) {
    // Rewrite one status line in place; \033[K clears what a longer line left behind.
    std::fprintf(stderr, "\r%s\033[K%s", text.c_str(), final_line ? "\n" : "");
    line_open_ = !final_line;
  } else if (final_line) {
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  std::fflush(stderr);
}

void Progress::stage(const std::string& toolchain, const std::string& name) {
  std::lock_guard lock(mutex_);
  label_ = toolchain.empty() ? name : "[" + toolchain + "] " + name;
  stage_start_ = std::chrono::steady_clock::now();
  if (!tty_ && !quiet_) {
    std::fprintf(stderr, "%s ...\n", label_.c_str());
    std::fflush(stderr);
  } else {
    draw(label_ + " ...", false);
  }
}

void Progress::step(int done, int total, const std::string& what) {
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - stage_start_).count();
  std::string text = label_ + " " + std::to_string(done) + "/" + std::to_string(total) +
                     (what.empty() ? "" : " " + what) + " (" + format_duration(elapsed) + ")";
  if (tty_) {
    draw(text, false);
  } else if (done == total || now - last_draw_ > std::chrono::seconds(10)) {
    draw(text, true);  // CI logs get a line at most every 10 s
    last_draw_ = now;
  }
}

void Progress::note(const std::string& line) {
  std::lock_guard lock(mutex_);
  draw(line, true);
}

void Progress::finish_stage() {
  std::lock_guard lock(mutex_);
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start_).count();
  draw(label_ + " done in " + format_duration(elapsed), true);
}

}  // namespace pgo
