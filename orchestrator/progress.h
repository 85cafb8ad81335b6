// Progress of long work: a live status line on a terminal, plain lines otherwise (CI logs).
// While a stage runs, a ticker keeps its elapsed time current and shows how far the build
// tool got when it says so (ninja's [n/m], cargo's Compiling lines); `-v` streams the tool's
// output as it comes; `-q` prints nothing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace pgo {

class Progress {
 public:
  // `quiet`: print nothing (for --json on stdout the progress still goes to stderr unless quiet).
  // `interactive` false: plain lines even on a terminal (`pgo ci`), as in a CI log.
  explicit Progress(bool quiet = false, bool interactive = true);
  ~Progress();

  // The global -q (< 0) / -v (> 0, repeatable) of the command line, for every Progress made
  // after it: < 0 is quiet, > 0 streams the build tools' output.
  static void set_verbosity(int verbosity);

  void stage(const std::string& toolchain, const std::string& name);           // starts a stage
  void step(int done, int total, const std::string& what);                     // i/N inside it
  void note(const std::string& line);                                          // a line that stays
  void finish_stage();                                                         // "done in 1.2 s"

  // What a build tool's output line says of its progress: ninja's "[45/289] ..." gives
  // 45 of 289; cargo's "   Compiling foo v1.0" one more crate. For tests.
  struct ToolProgress {
    int done = 0, total = 0;  // ninja
    int compiled = 0;         // cargo
    std::string describe() const;  // "[45/289]", "12 crates compiled", or ""
  };
  static void read_tool_line(const std::string& line, ToolProgress& progress);

 private:
  void draw(const std::string& text, bool final_line);
  void tick();                                  // the ticker thread's loop
  void follow_tool_output();                    // reads new output; under mutex_
  std::string status_text(double elapsed) const;  // under mutex_
  bool tty_ = false;
  bool quiet_ = false;
  bool verbose_ = false;
  std::mutex mutex_;
  std::string label_;
  std::string step_text_;  // "3/7 train-fib" of the last step(), without the time
  bool stage_open_ = false;
  ToolProgress tool_;
  std::map<std::filesystem::path, uintmax_t> read_up_to_;  // bytes of each tool output read
  std::string partial_line_;
  std::chrono::steady_clock::time_point stage_start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool line_open_ = false;
  bool stopping_ = false;
  std::condition_variable wake_;
  std::thread ticker_;
};

}  // namespace pgo
