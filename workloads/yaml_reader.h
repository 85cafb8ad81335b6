// Reading a YAML document with errors that point at the exact spot. Independent of any
// schema (pgo.yaml's is workloads/config.cc): typed scalars, strict booleans, durations,
// lists, and maps whose keys are checked, with a "did you mean ...?" hint for a typo.
//
// Every failure throws pgo::Error(ExitCode::kUsage) with the message
//   "<file>:<line>:<column>: <key.path>: <what>"
// where line and column are 1-based and key.path is the dotted path of the value
// ("workloads[2].timeout"), or "(document)" for the document itself.
//
// Usage: Reader r(file); Value top = document(r.load_single_document(text)); then
// MapView m(r, top, {"allowed", "keys"}) and get_string(r, m.require("allowed")), ...
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pgo {

// Documented in workloads/config.h, their public home; implemented in yaml_reader.cc and
// re-declared here so that this header does not depend on the pgo.yaml model.
std::optional<double> parse_duration_seconds(std::string_view text);
std::string nearest_match(std::string_view word, const std::vector<std::string>& candidates);

namespace yaml {

// One value in the document with where it is and how to name it.
struct Value {
  YAML::Node node;
  YAML::Mark mark;   // of the value, or of its key when the value is empty (null)
  std::string path;  // "workloads[2].timeout"; empty for the document itself
  YAML::Mark key;    // of its key (of itself in a list)
};

// Knows the file name for messages; reports every error.
class Reader {
 public:
  // `checkpoint`, when set, is called while a large document is parsed and read (about every
  // 64 KiB of text and every list element or map key): pgo passes throw_if_interrupted, so
  // that a signal stops a long load at once.
  explicit Reader(std::string file, std::function<void()> checkpoint = {})
      : file_(std::move(file)), checkpoint_(std::move(checkpoint)) {}
  void checkpoint() const {
    if (checkpoint_) checkpoint_();
  }

  // Throws "<file>:<line>:<column>: <path or (document)>: <what>" for the spot `m`.
  [[noreturn]] void fail(const YAML::Mark& m, const std::string& path, const std::string& what) const;
  // The same at the value `v` (its mark and path).
  [[noreturn]] void fail(const Value& v, const std::string& what) const;

  // Parses `text`, which must hold at most one YAML document, and returns its root; a null
  // node when it holds none. A syntax error is reported as
  // "<file>:<line>:<column>: YAML syntax error: ..." (noting a tab in the indentation).
  YAML::Node load_single_document(const std::string& text) const;

 private:
  std::string file_;
  std::function<void()> checkpoint_;
};

// The document's root as a Value (empty path).
Value document(const YAML::Node& root);
// Element `i` of the list `list`, with path "<list.path>[i]".
Value element(const Value& list, size_t i);

// For messages: "a map", "a list", "'<scalar>'" or "nothing".
std::string describe(const YAML::Node& n);
// "a, b, c".
std::string join_list(const std::vector<std::string>& items);
// " (did you mean '<nearest>'?)" when `word` is a likely typo of a candidate; else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// A map whose keys have been checked: plain strings, all in `allowed`, no duplicates. An
// unknown key fails with the nearest allowed key, or the list of valid keys if none is near.
class MapView {
 public:
  // An empty `allowed` means free-form keys (e.g. environment variables).
  MapView(const Reader& r, const Value& v, const std::vector<std::string>& allowed);

  // The value of `key`, or nullptr when absent.
  const Value* find(std::string_view key) const;
  // The value of `key`; a missing key is reported at the map that should hold it.
  const Value& require(const std::string& key) const;
  // Every key and value, in document order.
  const std::vector<std::pair<std::string, Value>>& fields() const { return fields_; }

 private:
  const Reader& r_;
  Value self_;
  std::vector<std::pair<std::string, Value>> fields_;
  std::unordered_map<std::string, size_t> index_;  // key -> its place in fields_ (linear loading)
};

// Typed readers. Each fails at `v` when it is empty, of the wrong kind or out of range.

// The scalar text of `v`; `expected` names what was wanted ("a string", "the number 1").
std::string scalar(const Reader& r, const Value& v, const char* expected);
// A string, non-empty unless `allow_empty`.
std::string get_string(const Reader& r, const Value& v, bool allow_empty = false);
// A decimal integer in [min, 1000000000].
long long get_int(const Reader& r, const Value& v, long long min);
// A finite number.
double get_number(const Reader& r, const Value& v);
// A fraction 0 < x < 1, or 0 <= x < 1 with `allow_zero`.
double get_fraction(const Reader& r, const Value& v, bool allow_zero);
// Only true/false (also True/TRUE/False/FALSE). YAML 1.1's yes/no/on/off are refused
// with their own message because "no" as a country code or "on" as a word silently
// turning into a bool is a classic YAML trap.
bool get_bool(const Reader& r, const Value& v);
// A duration in seconds (parse_duration_seconds), greater than zero and at most 1e8.
double get_duration(const Reader& r, const Value& v);
// A list (possibly empty); returns its node.
const YAML::Node& get_list(const Reader& r, const Value& v);
// A list of strings; the items may be empty only with `allow_empty_items`.
std::vector<std::string> get_string_list(const Reader& r, const Value& v, bool allow_empty_items);

}  // namespace yaml
}  // namespace pgo
