// File API parsing on replies recorded from tests/data/cmake/project (CMake 3.25, Ninja,
// gcc), and on damaged copies of them.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "adapters/cmake/file_api.h"
#include "support/error.h"
#include "tests/test_paths.h"

namespace pgo::cmake {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kRecorded = pgo::test_paths::test_data() / "cmake/reply";

// The recorded file whose name starts with `prefix`.
fs::path recorded(const fs::path& dir, const std::string& prefix) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with(prefix)) return e.path();
  ADD_FAILURE() << "no " << prefix << "* in " << dir;
  return {};
}

json load(const fs::path& p) { return json::parse(std::ifstream(p)); }
void save(const fs::path& p, const json& j) { std::ofstream(p) << j.dump(1); }

// Expects `f` to throw a build failure whose message contains every one of `parts`.
template <typename F>
void expect_build_error(F f, std::initializer_list<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure) << e.what();
    for (const std::string& part : parts)
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what() << "\nlacks: " << part;
  }
}

TEST(CMakeFileApiRecorded, Codemodel) {
  Codemodel m = parse_codemodel(kRecorded);
  EXPECT_EQ(m.configuration, "Release");
  EXPECT_EQ(m.source_dir.filename(), "project");
  ASSERT_EQ(m.targets.size(), 4u);
  EXPECT_EQ(m.executable_names(), (std::vector<std::string>{"calc", "worker"}));

  const CodemodelTarget* calc = m.find("calc");
  ASSERT_NE(calc, nullptr);
  EXPECT_EQ(calc->type, "EXECUTABLE");
  EXPECT_EQ(calc->artifacts, (std::vector<fs::path>{"calc"}));
  EXPECT_EQ(calc->link_language, "CXX");

  const CodemodelTarget* worker = m.find("worker");
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(worker->name_on_disk, "pgo-worker");
  EXPECT_EQ(worker->artifacts, (std::vector<fs::path>{"bin/pgo-worker"}));
  EXPECT_EQ(worker->link_language, "C");
  // glibc >= 2.34: Threads::Threads adds nothing to the link line the codemodel shows.
  EXPECT_FALSE(worker->links_threads);

  EXPECT_EQ(m.find("mathlib")->type, "STATIC_LIBRARY");
  EXPECT_EQ(m.find("nope"), nullptr);
}

TEST(CMakeFileApiRecorded, ThreadsComeFromTheCacheEntryPgoFlagsWrites) {
  FileApiReply reply = read_reply(kRecorded);
  EXPECT_TRUE(reply.codemodel.find("worker")->links_threads);
  EXPECT_FALSE(reply.codemodel.find("calc")->links_threads);
}

TEST(CMakeFileApiRecorded, Toolchains) {
  std::vector<ToolchainEntry> tcs = parse_toolchains(kRecorded);
  ASSERT_EQ(tcs.size(), 2u);
  FileApiReply reply;
  reply.toolchains = tcs;
  const ToolchainEntry* c = reply.toolchain("C");
  const ToolchainEntry* cxx = reply.toolchain("CXX");
  ASSERT_TRUE(c && cxx);
  EXPECT_EQ(c->compiler_id, "GNU");
  EXPECT_EQ(c->version, "12.2.0");
  EXPECT_EQ(c->path, "/usr/bin/gcc");
  EXPECT_EQ(cxx->path, "/usr/bin/g++");
  EXPECT_EQ(reply.toolchain("Fortran"), nullptr);
}

TEST(CMakeFileApiRecorded, Cache) {
  Cache cache = parse_cache(kRecorded);
  EXPECT_EQ(cache.at("CMAKE_BUILD_TYPE").value, "Release");
  EXPECT_EQ(cache.at("CMAKE_BUILD_TYPE").type, "STRING");
  EXPECT_EQ(cache.at("CMAKE_C_FLAGS").value, "");  // the project's set() is not a cache entry
  EXPECT_EQ(cache.at("CMAKE_C_COMPILER").value, "/usr/bin/gcc");
  EXPECT_EQ(cache.at(kThreadsCacheEntry).value, "worker");
  EXPECT_EQ(cache.at(kThreadsCacheEntry).type, "INTERNAL");
}

TEST(CMakeFileApiRecorded, SingleConfigurationIsUsedWhateverTheName) {
  EXPECT_EQ(parse_codemodel(kRecorded, "Debug").configuration, "Release");
}

class CMakeFileApiDamaged : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-file-api-" + std::to_string(std::random_device{}()));
    fs::copy(kRecorded, dir_, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path index() { return recorded(dir_, "index-"); }
  fs::path dir_;
};

TEST_F(CMakeFileApiDamaged, MissingIndex) {
  fs::remove(index());
  expect_build_error([&] { read_index(dir_); }, {dir_.string(), "no index-*.json"});
  expect_build_error([&] { read_index(dir_ / "absent"); }, {"no index-*.json"});
}

TEST_F(CMakeFileApiDamaged, NewestIndexWins) {
  // An older index pointing nowhere is ignored...
  json old = load(index());
  old["reply"]["client-pgo"]["codemodel-v2"]["jsonFile"] = "gone.json";
  save(dir_ / "index-2000-01-01T00-00-00-0000.json", old);
  EXPECT_EQ(read_index(dir_).codemodel.filename().string().substr(0, 12), "codemodel-v2");
  // ...but a newer one is used, broken or not.
  std::ofstream(dir_ / "index-2999-01-01T00-00-00-0000.json") << "{ not json";
  expect_build_error([&] { read_index(dir_); }, {"index-2999-01-01T00-00-00-0000.json", "malformed JSON"});
}

TEST_F(CMakeFileApiDamaged, MalformedCodemodel) {
  std::ofstream(recorded(dir_, "codemodel-v2"), std::ios::trunc) << "{\"kind\": \"codemodel\",";
  expect_build_error([&] { parse_codemodel(dir_); }, {"codemodel-v2-", "malformed JSON"});
}

TEST_F(CMakeFileApiDamaged, MissingTargetFile) {
  fs::path worker = recorded(dir_, "target-worker-");
  fs::remove(worker);
  expect_build_error([&] { parse_codemodel(dir_); }, {worker.filename().string(), "cannot be read"});
}

TEST_F(CMakeFileApiDamaged, ExecutableWithoutArtifacts) {
  fs::path calc = recorded(dir_, "target-calc-");
  json t = load(calc);
  t.erase("artifacts");
  save(calc, t);
  expect_build_error([&] { parse_codemodel(dir_); }, {calc.filename().string(), "'calc' has no 'artifacts'"});
}

TEST_F(CMakeFileApiDamaged, MissingMembers) {
  fs::path model = recorded(dir_, "codemodel-v2");
  json m = load(model);
  m.erase("configurations");
  save(model, m);
  expect_build_error([&] { parse_codemodel(dir_); }, {"missing 'configurations'"});

  fs::path tc = recorded(dir_, "toolchains-v1");
  json t = load(tc);
  t["toolchains"][0]["compiler"].erase("id");
  save(tc, t);
  expect_build_error([&] { parse_toolchains(dir_); }, {"missing 'id' in toolchain 'C' compiler"});

  fs::path cache = recorded(dir_, "cache-v2");
  json c = load(cache);
  c["entries"][0]["value"] = 3;
  save(cache, c);
  expect_build_error([&] { parse_cache(dir_); }, {"'value' in cache entry", "wrong type"});
}

TEST_F(CMakeFileApiDamaged, NoReplyForOurClientOrQueryRefused) {
  json idx = load(index());
  idx["reply"]["client-pgo"]["toolchains-v1"] = {{"error", "unknown query file"}};
  save(index(), idx);
  expect_build_error([&] { read_index(dir_); }, {"refused query 'toolchains-v1'", "unknown query file"});

  idx["reply"].erase("client-pgo");
  save(index(), idx);
  expect_build_error([&] { read_index(dir_); }, {"no 'reply.client-pgo' object"});
}

// Found by fuzz_cmake_reply (tests/fuzz/crashes/cmake_reply/number-overflow-in-index):
// nlohmann::json reports 1e400 with out_of_range, not parse_error.
TEST_F(CMakeFileApiDamaged, NumberOutOfRangeIsMalformedJson) {
  std::ofstream(recorded(dir_, "codemodel-v2"), std::ios::trunc) << "{\"version\": 1e400}";
  expect_build_error([&] { parse_codemodel(dir_); }, {"codemodel-v2-", "malformed JSON", "number overflow"});
}

// CMake writes plain names of files in the reply directory; a reply naming any other file
// (tests/fuzz/crashes/cmake_reply/json-file-outside-reply-dir) must not make pgo read it.
TEST_F(CMakeFileApiDamaged, JsonFileMustBeAPlainNameInTheReplyDirectory) {
  fs::path outside = dir_.parent_path() / (dir_.filename().string() + "-outside.json");
  std::ofstream(outside) << load(recorded(dir_, "codemodel-v2")).dump();
  const json original = load(index());
  json idx = original;
  for (std::string bad : {std::string("/dev/zero"), outside.string(), "../" + outside.filename().string(),
                          std::string("sub/x.json"), std::string(".."), std::string("")}) {
    SCOPED_TRACE(bad);
    idx["reply"]["client-pgo"]["codemodel-v2"]["jsonFile"] = bad;
    save(index(), idx);
    expect_build_error([&] { read_index(dir_); }, {"'jsonFile' in reply.client-pgo.codemodel-v2", "not a plain file name"});
  }
  fs::remove(outside);
  save(index(), original);

  fs::path model = recorded(dir_, "codemodel-v2");
  json m = load(model);
  m["configurations"][0]["targets"][0]["jsonFile"] = "../" + recorded(dir_, "target-calc-").filename().string();
  save(model, m);
  expect_build_error([&] { parse_codemodel(dir_); }, {"'jsonFile' in a target of configuration", "not a plain file name"});
}

TEST_F(CMakeFileApiDamaged, ReplyFilesMustBeRegularFiles) {
  // A device behind a plain name (here /dev/null; /dev/zero would never end) and a directory.
  fs::path calc = recorded(dir_, "target-calc-");
  fs::remove(calc);
  fs::create_symlink("/dev/null", calc);
  expect_build_error([&] { parse_codemodel(dir_); }, {calc.filename().string(), "is not a regular file"});
  fs::remove(calc);
  fs::create_directory(calc);
  expect_build_error([&] { parse_codemodel(dir_); }, {calc.filename().string(), "is not a regular file"});
}

TEST_F(CMakeFileApiDamaged, PthreadOnTheLinkLine) {
  fs::path calc = recorded(dir_, "target-calc-");
  json t = load(calc);
  t["link"]["commandFragments"].push_back({{"fragment", "-pthread"}, {"role", "flags"}});
  save(calc, t);
  EXPECT_TRUE(parse_codemodel(dir_).find("calc")->links_threads);
}

TEST_F(CMakeFileApiDamaged, ChoosesTheRequestedOfSeveralConfigurations) {
  fs::path model = recorded(dir_, "codemodel-v2");
  json m = load(model);
  json debug = m["configurations"][0];
  debug["name"] = "Debug";
  debug["targets"] = json::array({debug["targets"][0]});
  m["configurations"].insert(m["configurations"].begin(), debug);
  save(model, m);
  EXPECT_EQ(parse_codemodel(dir_, "Release").targets.size(), 4u);
  EXPECT_EQ(parse_codemodel(dir_, "Debug").targets.size(), 1u);
  EXPECT_EQ(parse_codemodel(dir_).configuration, "Debug");
  expect_build_error([&] { parse_codemodel(dir_, "Profile"); }, {"no configuration 'Profile'", "Debug, Release"});
}

TEST(CMakeFileApi, WriteQueries) {
  fs::path build = fs::temp_directory_path() / ("pgo-queries-" + std::to_string(std::random_device{}()));
  write_queries(build);
  for (const char* kind : {"codemodel-v2", "toolchains-v1", "cache-v2"}) {
    fs::path q = build / ".cmake/api/v1/query/client-pgo" / kind;
    EXPECT_TRUE(fs::is_regular_file(q)) << q;
  }
  EXPECT_EQ(reply_dir(build), build / ".cmake/api/v1/reply");
  fs::remove_all(build);
}

TEST(CMakeFileApi, ThreadsFragments) {
  EXPECT_TRUE(is_threads_fragment("-pthread"));
  EXPECT_TRUE(is_threads_fragment("-Wl,--as-needed -lpthread"));
  EXPECT_TRUE(is_threads_fragment("/usr/lib/x86_64-linux-gnu/libpthread.so.0"));
  EXPECT_TRUE(is_threads_fragment("/usr/lib/x86_64-linux-gnu/libpthread.a"));
  EXPECT_FALSE(is_threads_fragment("-lpthreadpool"));
  EXPECT_FALSE(is_threads_fragment("libmathlib.a"));
  EXPECT_FALSE(is_threads_fragment(""));
}

}  // namespace
}  // namespace pgo::cmake
