// Helpers for end-to-end tests: copy an example to a scratch directory and run the real
// pgo binary in it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgo::e2e {

struct PgoRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// A fresh copy of examples/<name> (without any .pgo state) under a temporary directory.
std::filesystem::path copy_example(const std::string& name);
// A new empty scratch directory.
std::filesystem::path scratch_dir(const std::string& label);
// Runs `pgo args...` and captures its output.
PgoRun run_pgo(const std::vector<std::string>& args, const std::filesystem::path& cwd = {});
nlohmann::json read_json(const std::filesystem::path& file);
void write_text(const std::filesystem::path& file, const std::string& text);
// GoogleTest expectations on one report.json result: benchmarked without failure, outputs
// of both binaries equal, at least `min_runs` runs of each, positive medians.
void expect_measured_result(const nlohmann::json& result, int min_runs);

}  // namespace pgo::e2e
