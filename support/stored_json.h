// Strict field access for the JSON files pgo stores and reads back (profile metadata, build
// manifests, shard manifests): a field that is missing or of another type throws pgo::Error
// naming the file and the field's path, never a nlohmann::json type_error (which the CLI
// would report as an internal error). support/json_fields.h is the lenient reader for JSON
// that other programs write.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/error.h"

namespace pgo {

enum class JsonType { kString, kNumber, kUnsigned, kBoolean, kArray, kObject };

class StoredJson {
 public:
  // How a problem reads. kFieldFirst: "<file>: <field>: <problem> (<note>)", as in
  // "manifest.json: builds.optimized.build_dir: missing (a damaged build manifest: ...)".
  // kQuotedKey: "<file>: <note>: missing key '<field>'" and "<file>: <note>: key '<field>' is
  // number, expected a string", as in "gcc.json: corrupt profile metadata: ...".
  enum class Wording { kFieldFirst, kQuotedKey };

  StoredJson(std::filesystem::path file, std::string note, ExitCode code, Wording wording = Wording::kFieldFirst);

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const;

  // Field `key` of the object `parent`, which sits at `path` ("" for the top level).
  const nlohmann::json& field(const nlohmann::json& parent, const std::string& path, const std::string& key,
                              JsonType type) const;
  // Null when the field is absent or null; fails when it holds another type.
  const nlohmann::json* optional(const nlohmann::json& parent, const std::string& path, const std::string& key,
                                 JsonType type) const;

  std::string string(const nlohmann::json& parent, const std::string& path, const std::string& key) const;
  std::string string_or(const nlohmann::json& parent, const std::string& path, const std::string& key,
                        const std::string& fallback) const;
  double number(const nlohmann::json& parent, const std::string& path, const std::string& key) const;
  uint64_t count(const nlohmann::json& parent, const std::string& path, const std::string& key) const;
  bool boolean(const nlohmann::json& parent, const std::string& path, const std::string& key) const;
  std::vector<std::string> strings(const nlohmann::json& parent, const std::string& path,
                                   const std::string& key) const;
  // An object whose values are all strings.
  std::map<std::string, std::string> string_map(const nlohmann::json& parent, const std::string& path,
                                                const std::string& key) const;
  // Checks that every element of the array or object `container` (at `path`) has `type`.
  void each(const nlohmann::json& container, const std::string& path, JsonType type) const;

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  [[noreturn]] void wrong_type(const std::string& field, const nlohmann::json& value, JsonType type) const;

  std::filesystem::path file_;
  std::string note_;
  ExitCode code_;
  Wording wording_;
};

// "a string", "an object", ...: the words of messages about a JSON value's type.
const char* json_type_words(JsonType type);
bool json_has_type(const nlohmann::json& value, JsonType type);

}  // namespace pgo
