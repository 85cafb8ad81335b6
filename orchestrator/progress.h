// Progress of long work: a live status line on a terminal, plain lines otherwise (CI logs).
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace pgo {

class Progress {
 public:
  // `quiet`: print nothing (for --json on stdout the progress still goes to stderr unless quiet).
  // `interactive` false: plain lines even on a terminal (`pgo ci`), as in a CI log.
  explicit Progress(bool quiet = false, bool interactive = true);
  ~Progress();

  void stage(const std::string& toolchain, const std::string& name);           // starts a stage
  void step(int done, int total, const std::string& what);                     // i/N inside it
  void note(const std::string& line);                                          // a line that stays
  void finish_stage();                                                         // "done in 1.2 s"

 private:
  void draw(const std::string& text, bool final_line);
  bool tty_ = false;
  bool quiet_ = false;
  std::mutex mutex_;
  std::string label_;
  std::chrono::steady_clock::time_point stage_start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool line_open_ = false;
};

}  // namespace pgo
