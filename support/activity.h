// What the step pgo waits for is writing: the files its output goes to while it runs (a
// build tool's log). The progress line reads them to show how far the step got (ninja's
// [n/m], cargo's Compiling lines) and `-v` streams them. One step at a time, process-wide:
// set by run_captured (workloads/process) around the run, read by Progress's ticker.
#pragma once

#include <filesystem>
#include <vector>

namespace pgo {

void set_activity_output(std::vector<std::filesystem::path> files);  // empty: nothing runs
std::vector<std::filesystem::path> activity_output();

// Sets the files for the lifetime of the object, then clears them.
class ActivityOutput {
 public:
  explicit ActivityOutput(std::vector<std::filesystem::path> files) { set_activity_output(std::move(files)); }
  ~ActivityOutput() { set_activity_output({}); }
  ActivityOutput(const ActivityOutput&) = delete;
  ActivityOutput& operator=(const ActivityOutput&) = delete;
};

}  // namespace pgo
