// yaml::Reader::load_single_document on inputs that once made it hang (the fuzzer's
// reproducers in tests/fuzz/crashes/config/) and on the document counts it must tell apart.
#include "workloads/yaml_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/resource.h>

#include "support/error.h"
#include "tests/test_paths.h"

namespace pgo::yaml {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kCrashes = pgo::test_paths::source_dir() / "tests/fuzz/crashes/config";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The message of the usage error `text` produces, or "" (with a test failure) if none.
std::string error_of(const std::string& text) {
  try {
    Reader("f.yaml").load_single_document(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return "";
}

// yaml-cpp 0.7's LoadAll never returns on these (an empty document, forever); pgo must
// report a syntax error at the ',' instead.
TEST(YamlReader, StrayCommaAfterADocumentIsASyntaxError) {
#ifndef __SANITIZE_ADDRESS__  // ASan reserves terabytes of address space for its shadow
  // A regression loops, allocating, until memory runs out: cap the address space so that
  // it fails with std::bad_alloc in seconds instead of calling in the OOM killer.
  rlimit cap{4ull << 30, 4ull << 30};
  ASSERT_EQ(setrlimit(RLIMIT_AS, &cap), 0);
#endif
  EXPECT_THAT(error_of(read(kCrashes / "stray-comma-after-document-end.yaml")),
              HasSubstr("f.yaml:3:1: YAML syntax error: unexpected ','"));
  EXPECT_THAT(error_of(read(kCrashes / "stray-comma-after-list.yaml")),
              HasSubstr("f.yaml:2:1: YAML syntax error: unexpected ','"));
  EXPECT_THAT(error_of(","), HasSubstr("f.yaml:1:1: YAML syntax error: unexpected ','"));
}

TEST(YamlReader, DocumentCounts) {
  EXPECT_TRUE(Reader("f").load_single_document("").IsNull());
  EXPECT_TRUE(Reader("f").load_single_document("# only a comment\n").IsNull());
  YAML::Node one = Reader("f").load_single_document("---\na: 1\n...\n");
  ASSERT_TRUE(one.IsMap());
  EXPECT_EQ(one["a"].as<int>(), 1);
  EXPECT_THAT(error_of("a: 1\n---\nb: 2\n"), HasSubstr("f.yaml:3:1: (document): only one YAML document"));
  EXPECT_THAT(error_of("a: 1\n---\nb: 2\n---\nc: 3\n"), HasSubstr("only one YAML document"));
  // A syntax error inside the first document keeps yaml-cpp's own message.
  EXPECT_THAT(error_of("a: 1\n,\n"), HasSubstr("f.yaml:2:1: YAML syntax error: end of map not found"));
}

// Issue 15 item 11: yaml-cpp's nesting limit reached the user as "bad file".
TEST(YamlReader, DeepNestingSaysSo) {
  for (const std::string& text : {std::string(100000, '[') + std::string(100000, ']'),
                                  [] {
                                    std::string maps = "a: ";
                                    for (int i = 0; i < 5000; ++i) maps += "{a: ";
                                    return maps + "1" + std::string(5000, '}');
                                  }()}) {
    std::string message = error_of(text);
    EXPECT_THAT(message, HasSubstr("YAML syntax error: collections nested "));
    EXPECT_THAT(message, HasSubstr("levels deep, beyond the parser's limit"));
    EXPECT_THAT(message, ::testing::Not(HasSubstr("bad file")));
  }
}

}  // namespace
}  // namespace pgo::yaml
