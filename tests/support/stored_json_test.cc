// StoredJson: the typed reader of the JSON files pgo stores (support/stored_json.h).
#include "support/stored_json.h"

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pgo {
namespace {
using nlohmann::json;
using ::testing::HasSubstr;

std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kCheckFailed);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

const json kDoc = json::parse(R"({"name": "calc", "n": 3, "neg": -2, "list": ["a", 1], "map": {"a": "x", "b": {}},
                                  "nothing": null})");

TEST(StoredJson, FieldFirstWordingNamesFileFieldAndNote) {
  StoredJson r("/s/m.json", "damaged: rebuild", ExitCode::kCheckFailed);
  EXPECT_EQ(r.string(kDoc, "", "name"), "calc");
  EXPECT_EQ(r.count(kDoc, "", "n"), 3u);
  EXPECT_EQ(error_of([&] { r.string(kDoc, "", "n"); }), "/s/m.json: n: expected a string, got number (damaged: rebuild)");
  EXPECT_EQ(error_of([&] { r.string(kDoc, "top", "absent"); }), "/s/m.json: top.absent: missing (damaged: rebuild)");
  EXPECT_THAT(error_of([&] { r.count(kDoc, "", "neg"); }), HasSubstr("neg: expected a non-negative integer, got -2"));
  EXPECT_THAT(error_of([&] { r.strings(kDoc, "", "list"); }), HasSubstr("list[1]: expected a string, got number"));
  EXPECT_THAT(error_of([&] { r.string_map(kDoc, "", "map"); }), HasSubstr("map.b: expected a string, got object"));
}

TEST(StoredJson, QuotedKeyWordingAndOptionalFields) {
  StoredJson r("/s/p.json", "corrupt profile metadata", ExitCode::kCheckFailed, StoredJson::Wording::kQuotedKey);
  EXPECT_EQ(error_of([&] { r.number(kDoc, "", "name"); }),
            "/s/p.json: corrupt profile metadata: key 'name' is string, expected a number");
  EXPECT_EQ(error_of([&] { r.field(kDoc, "", "absent", JsonType::kObject); }),
            "/s/p.json: corrupt profile metadata: missing key 'absent'");
  EXPECT_EQ(r.optional(kDoc, "", "absent", JsonType::kString), nullptr);
  EXPECT_EQ(r.optional(kDoc, "", "nothing", JsonType::kString), nullptr);
  EXPECT_EQ(r.string_or(kDoc, "", "absent", "none"), "none");
  EXPECT_THAT(error_of([&] { r.string_or(kDoc, "", "n", "none"); }), HasSubstr("key 'n' is number"));
  EXPECT_THAT(error_of([&] { r.field(json::array(), "", "x", JsonType::kString); }), HasSubstr("missing key 'x'"));
}

}  // namespace
}  // namespace pgo
