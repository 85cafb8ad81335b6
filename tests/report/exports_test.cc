#include "orchestrator/report/exports.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "support/atomic_file.h"
#include "tests/report/sample_report.h"

namespace fs = std::filesystem;

namespace pgo {
namespace {

class ExportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-exports-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ExportsTest, WritesEveryFileIntoTheDirectory) {
  const fs::path out = dir_ / "reports" / "latest";  // created on demand
  const ReportFiles files = write_report_files(testing::sample_report(), out, {.noise = 0.03});
  EXPECT_EQ(files.markdown, out / "report.md");
  EXPECT_EQ(files.html, out / "report.html");
  EXPECT_EQ(files.bencher, out / "bencher.json");
  EXPECT_EQ(files.github_benchmark, out / "github-benchmark.json");
  EXPECT_EQ(files.github_benchmark_speedup, out / "github-benchmark-speedup.json");
  ASSERT_EQ(files.all().size(), 5u);
  for (const auto& f : files.all()) {
    ASSERT_TRUE(fs::is_regular_file(f)) << f;
    EXPECT_GT(fs::file_size(f), 2u) << f;
  }
  EXPECT_NE(read_file(files.markdown).find("# pgo report"), std::string::npos);
  EXPECT_NE(read_file(files.html).find("1 ± 3% noise band"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(read_file(files.bencher)).contains("clang/app/small"));
  EXPECT_TRUE(nlohmann::json::parse(read_file(files.github_benchmark)).is_array());
  EXPECT_TRUE(nlohmann::json::parse(read_file(files.github_benchmark_speedup)).is_array());
  // Only the five files: no temporaries left behind.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out)) ++entries;
  EXPECT_EQ(entries, 5u);
}

TEST_F(ExportsTest, ReplacesPreviousFiles) {
  write_report_files(testing::sample_report(), dir_);
  const ReportFiles files = write_report_files(Report{}, dir_);
  EXPECT_EQ(read_file(files.bencher), "{}\n");
  EXPECT_EQ(read_file(files.github_benchmark), "[]\n");
}

TEST_F(ExportsTest, FailsWhenTheDirectoryCannotBeCreated) {
  write_file_atomic(dir_ / "file", "x");
  EXPECT_ANY_THROW(write_report_files(Report{}, dir_ / "file" / "sub"));
}

}  // namespace
}  // namespace pgo
