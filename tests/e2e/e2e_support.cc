#include "tests/e2e/e2e_support.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "support/atomic_file.h"
#include "workloads/process.h"

namespace fs = std::filesystem;

namespace pgo::e2e {

fs::path scratch_dir(const std::string& label) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() /
                 ("pgo-e2e-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" + label);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path copy_example(const std::string& name) {
  fs::path dest = scratch_dir(name) / name;
  fs::path source = fs::path(PGO_SOURCE_DIR) / "examples" / name;
  fs::create_directories(dest);
  for (const auto& entry : fs::directory_iterator(source)) {
    if (entry.path().filename() == ".pgo" || entry.path().filename().string().rfind("build", 0) == 0) continue;
    fs::copy(entry.path(), dest / entry.path().filename(), fs::copy_options::recursive);
  }
  return dest;
}

PgoRun run_pgo(const std::vector<std::string>& args, const fs::path& cwd) {
  fs::path dir = scratch_dir("out");
  ProcessSpec spec;
  spec.argv = {PGO_BINARY};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  spec.stdout_file = dir / "stdout";
  spec.stderr_file = dir / "stderr";
  spec.timeout = std::chrono::minutes(20);
  SystemProcessRunner runner;
  ProcessResult r = runner.run(spec);
  PgoRun run;
  run.exit_code = r.signal ? 128 + r.signal : r.exit_code;
  run.out = read_file(spec.stdout_file);
  run.err = read_file(spec.stderr_file);
  fs::remove_all(dir);
  return run;
}

nlohmann::json read_json(const fs::path& file) { return nlohmann::json::parse(read_file(file)); }

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

void expect_measured_result(const nlohmann::json& r, int min_runs) {
  EXPECT_TRUE(r["outputs_match"].get<bool>()) << r["output_mismatch"];
  EXPECT_FALSE(r["failed"].get<bool>()) << r["failure"];
  EXPECT_GE(r["baseline"]["runs"].get<int>(), min_runs);
  EXPECT_GE(r["optimized"]["runs"].get<int>(), min_runs);
  EXPECT_GT(r["baseline"]["median_s"].get<double>(), 0);
  EXPECT_GT(r["optimized"]["median_s"].get<double>(), 0);
}

}  // namespace pgo::e2e
