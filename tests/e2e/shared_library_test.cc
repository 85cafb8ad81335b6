// A real CMake C project whose hot code lives in a shared library: libdeflate (its
// libdeflate-gzip program linked against libdeflate.so), fetched from crates.io by
// scripts/real-projects.sh (docs/real-projects.md). `pgo build` optimizes the library,
// `pgo status` reads fresh at 100% on the unchanged tree with gcc and clang, and an edit
// of the library's hot compressor loop is stale, named, and retrained by the next build.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

namespace pgo::e2e {
namespace {

constexpr const char* kHotFunction = "struct deflate_output_bitstream *os, bool lazy2)\n{\n";

// `scripts/real-projects.sh --dir libdeflate`: the cached sources (fetched if needed).
fs::path libdeflate_sources() {
  std::string command = pgo::test_paths::source_dir().string() + "/scripts/real-projects.sh --dir libdeflate 2>&1";
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    if (pclose(p) != 0) out = "failed: " + out;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  if (size_t nl = out.rfind('\n'); nl != std::string::npos) out = out.substr(nl + 1);  // after fetch messages
  return out;
}

// Words from a fixed generator: compressible like text, several MB of compressor work.
std::string sample_text() {
  static const char* words[] = {"deflate", "block", "huffman", "literal", "match", "offset", "length",
                                "window", "stream", "symbol", "code", "table", "bits", "header"};
  std::string text;
  unsigned x = 12345;
  while (text.size() < (3u << 20)) {
    x = x * 1103515245u + 12345u;
    text += words[(x >> 16) % 14];
    text += (x >> 8) % 9 ? ' ' : '\n';
  }
  return text;
}

std::string pgo_yaml(const std::string& toolchain) {
  return "version: 1\n"
         "build:\n"
         "  system: cmake\n"
         "  source_dir: .\n"
         "  targets: [libdeflate-gzip]\n"
         "  configure_args: [-DLIBDEFLATE_BUILD_STATIC_LIB=OFF, -DLIBDEFLATE_USE_SHARED_LIB=ON]\n"
         "toolchains: [" + toolchain + "]\n"
         "workloads:\n"
         "  - name: compress\n"
         "    run: [\"${bin:libdeflate-gzip}\", -c, -6, \"${project}/sample.txt\"]\n"
         "  - name: decompress\n"
         "    run: [\"${bin:libdeflate-gzip}\", -d, -c, \"${project}/sample.txt.gz\"]\n";
}

class SharedLibrary : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tc_ = GetParam();
    fs::path sources = libdeflate_sources();
    ASSERT_TRUE(fs::is_directory(sources / "lib")) << "scripts/real-projects.sh --dir libdeflate: " << sources;
    project_ = scratch_dir("libdeflate-" + tc_) / "libdeflate";
    fs::copy(sources, project_, fs::copy_options::recursive);
    for (const auto& e : fs::recursive_directory_iterator(project_))
      fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
    write_text(project_ / "sample.txt", sample_text());
    ASSERT_EQ(std::system(("gzip -6 -k " + (project_ / "sample.txt").string()).c_str()), 0);
    write_text(project_ / "pgo.yaml", pgo_yaml(tc_));
    PgoRun build = run_pgo({"build", "-C", project_.string(), "--no-bench"});
    ASSERT_EQ(build.exit_code, 0) << build.err;
  }
  void TearDown() override { fs::remove_all(project_.parent_path()); }

  fs::path tree(const std::string& kind) const { return project_ / ".pgo" / "build" / tc_ / kind; }

  std::string tc_;
  fs::path project_;
};

TEST_P(SharedLibrary, UnchangedTreeIsFreshAndAHotLibraryEditIsStale) {
  // The profile reached the library: the optimized libdeflate.so differs from the baseline's.
  ASSERT_TRUE(fs::exists(tree("baseline") / "libdeflate.so.0"));
  EXPECT_NE(read_file(tree("baseline") / "libdeflate.so.0"), read_file(tree("optimized") / "libdeflate.so.0"));
  json report = read_json(project_ / ".pgo" / "reports" / "latest" / "report.json");
  EXPECT_THAT(report["warnings"].dump(), ::testing::Not(HasSubstr("libdeflate.so"))) << report["warnings"].dump(2);

  json p = status_profile(project_, 0);
  EXPECT_EQ(p["target"], "libdeflate-gzip");
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0) << p.dump(2);
  EXPECT_DOUBLE_EQ(p["function_match"].get<double>(), 1.0) << p.dump(2);
  EXPECT_GT(p["functions"]["total"].get<int>(), 50);

  // The compressor's main loop (inlined into deflate_compress_lazy) gets a new branch.
  replace_once(project_ / "lib" / "deflate_compress.c", kHotFunction,
               std::string(kHotFunction) + "\tif (in_nbytes == 1)\n\t\tlazy2 = !lazy2;\n");
  p = status_profile(project_, 1);
  EXPECT_EQ(p["stale"], true) << p.dump(2);
  EXPECT_LT(p["weighted_match"].get<double>(), 0.9) << p.dump(2);
  ASSERT_FALSE(p["mismatched_functions"].empty()) << p.dump(2);
  EXPECT_THAT(p["mismatched_functions"][0]["name"].get<std::string>(), HasSubstr("deflate_compress_lazy"));
  EXPECT_EQ(p["changed_files"], json::parse(R"([{"path": "lib/deflate_compress.c", "change": "modified"}])"));

  if (tc_ != "clang") return;  // the rebuild is toolchain-independent pipeline logic
  // The executable is byte-identical after the edit; the library is not: training must
  // not be reused from the last build.
  PgoRun rebuild = run_pgo({"build", "-C", project_.string(), "--no-bench"});
  ASSERT_EQ(rebuild.exit_code, 0) << rebuild.err;
  report = read_json(project_ / ".pgo" / "reports" / "latest" / "report.json");
  ASSERT_EQ(report["profiles"].size(), 1u);
  EXPECT_EQ(report["profiles"][0]["profile"]["source"], "trained") << report["profiles"][0].dump(2);
  p = status_profile(project_, 0);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0) << p.dump(2);
}

INSTANTIATE_TEST_SUITE_P(Toolchains, SharedLibrary, ::testing::Values("gcc", "clang"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace pgo::e2e
