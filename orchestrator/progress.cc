#include "orchestrator/progress.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>

#include "support/activity.h"
#include "support/strings.h"

namespace pgo {
namespace {

std::atomic<int> default_verbosity{0};

// How often the ticker looks, and how often a CI log gets a "still running" line.
constexpr auto kTick = std::chrono::seconds(1);
constexpr auto kQuietLogInterval = std::chrono::seconds(30);

}  // namespace

void Progress::set_verbosity(int verbosity) { default_verbosity = verbosity; }

Progress::Progress(bool quiet, bool interactive)
    : tty_(interactive && ::isatty(STDERR_FILENO) == 1),
      quiet_(quiet || default_verbosity < 0),
      verbose_(!quiet_ && default_verbosity > 0) {
  if (!quiet_) ticker_ = std::thread([this] { tick(); });
}

Progress::~Progress() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  if (line_open_ && tty_) std::fputs("\n", stderr);
}

std::string Progress::ToolProgress::describe() const {
  if (total > 0) return "[" + std::to_string(done) + "/" + std::to_string(total) + "]";
  if (compiled > 0) return std::to_string(compiled) + (compiled == 1 ? " crate" : " crates") + " compiled";
  return "";
}

void Progress::read_tool_line(const std::string& line, ToolProgress& progress) {
  // ninja: "[45/289] Building C object ..."
  if (line.size() > 4 && line[0] == '[') {
    const size_t slash = line.find('/'), close = line.find(']');
    if (slash != std::string::npos && close != std::string::npos && slash < close) {
      try {
        size_t used = 0;
        const int done = std::stoi(line.substr(1, slash - 1), &used);
        const int total = std::stoi(line.substr(slash + 1, close - slash - 1));
        if (used == slash - 1 && done >= 0 && total > 0 && done <= total) progress.done = done, progress.total = total;
      } catch (const std::exception&) {
        // not ninja's counter
      }
    }
    return;
  }
  // cargo: "   Compiling serde v1.0.200"
  const size_t start = line.find_first_not_of(' ');
  if (start != std::string::npos && line.compare(start, 10, "Compiling ") == 0) ++progress.compiled;
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

std::string Progress::status_text(double elapsed) const {
  std::string text = label_ + (step_text_.empty() ? " ..." : " " + step_text_);
  if (std::string tool = tool_.describe(); !tool.empty()) text += " " + tool;
  return text + " (" + format_duration(elapsed) + ")";
}

void Progress::stage(const std::string& toolchain, const std::string& name) {
  std::lock_guard lock(mutex_);
  label_ = toolchain.empty() ? name : "[" + toolchain + "] " + name;
  stage_start_ = last_draw_ = std::chrono::steady_clock::now();
  stage_open_ = true;
  step_text_.clear();
  tool_ = {};
  read_up_to_.clear();
  partial_line_.clear();
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
  step_text_ = std::to_string(done) + "/" + std::to_string(total) + (what.empty() ? "" : " " + what);
  std::string text = label_ + " " + step_text_ + " (" + format_duration(elapsed) + ")";
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
  follow_tool_output();  // the last lines of a verbose stream come before "done"
  stage_open_ = false;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start_).count();
  draw(label_ + " done in " + format_duration(elapsed), true);
}

void Progress::follow_tool_output() {
  for (const std::filesystem::path& file : activity_output()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) continue;
    uintmax_t& at = read_up_to_[file];
    in.seekg(static_cast<std::streamoff>(at));
    std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (chunk.empty()) continue;
    at += chunk.size();
    std::string text = partial_line_ + chunk;
    size_t start = 0;
    for (size_t nl = text.find('\n'); nl != std::string::npos; start = nl + 1, nl = text.find('\n', start)) {
      const std::string line = text.substr(start, nl - start);
      read_tool_line(line, tool_);
      // The tool's own line, above the status line; not cargo's JSON messages, which are
      // pgo's to read (the build log keeps them).
      if (verbose_ && !line.starts_with("{\"reason\":")) draw(line, true);
    }
    partial_line_ = text.substr(start);
  }
}

void Progress::tick() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kTick);
    if (stopping_ || !stage_open_) continue;
    follow_tool_output();
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - stage_start_).count();
    if (tty_) {
      draw(status_text(elapsed), false);
    } else if (now - last_draw_ >= kQuietLogInterval) {
      draw(status_text(elapsed), true);  // a CI log hears from a long stage every 30 s
      last_draw_ = now;
    }
  }
}

}  // namespace pgo
