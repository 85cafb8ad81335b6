#include "adapters/go/go_tool.h"

#include <cctype>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/error.h"

namespace pgo::go {

std::vector<std::string> split_goflags(std::string_view s) {
  std::vector<std::string> fields;
  size_t i = 0;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (i < s.size()) {
    if (space(s[i])) {
      ++i;
      continue;
    }
    if (s[i] == '\'' || s[i] == '"') {
      char q = s[i];
      size_t end = s.find(q, i + 1);
      if (end == std::string_view::npos)
        throw UsageError("GOFLAGS: unterminated " + std::string(1, q) + " quote in: " + std::string(s));
      fields.emplace_back(s.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    size_t end = i;
    while (end < s.size() && !space(s[end])) ++end;
    fields.emplace_back(s.substr(i, end - i));
    i = end;
  }
  return fields;
}

std::optional<std::string> flag_value(const std::vector<std::string>& fields, std::string_view name) {
  std::optional<std::string> value;
  for (const std::string& f : fields) {
    std::string_view v = f;
    if (v.starts_with("--")) v.remove_prefix(2);
    else if (v.starts_with("-")) v.remove_prefix(1);
    else continue;
    if (v.size() > name.size() && v.starts_with(name) && v[name.size()] == '=')
      value = std::string(v.substr(name.size() + 1));
  }
  return value;
}

namespace {

// "v2", "v10" (not "v0", "v1", "v01"): a major version suffix of a module path.
bool is_version_element(std::string_view s) {
  if (s.size() < 2 || s[0] != 'v' || s[1] == '0' || (s[1] == '1' && s.size() == 2)) return false;
  for (size_t i = 1; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

}  // namespace

std::string exec_name(std::string_view import_path) {
  size_t slash = import_path.rfind('/');
  std::string_view elem = slash == std::string_view::npos ? import_path : import_path.substr(slash + 1);
  if (slash != std::string_view::npos && is_version_element(elem)) {
    std::string_view dir = import_path.substr(0, slash);
    size_t s2 = dir.rfind('/');
    elem = s2 == std::string_view::npos ? dir : dir.substr(s2 + 1);
  }
  return std::string(elem);
}

std::optional<std::pair<int, int>> parse_go_version(std::string_view v) {
  if (!v.starts_with("go1.")) return std::nullopt;
  v.remove_prefix(4);
  int minor = 0;
  size_t i = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) && i < 6) minor = minor * 10 + (v[i++] - '0');
  if (i == 0) return std::nullopt;
  return std::make_pair(1, minor);
}

std::map<std::string, std::string> parse_build_settings(std::string_view text) {
  std::map<std::string, std::string> settings;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    // "\tbuild\t<key>=<value>"; the value may hold tabs and spaces, quoted when it does.
    size_t start = line.find_first_not_of('\t');
    if (start == std::string::npos || line.compare(start, 6, "build\t") != 0) continue;
    std::string kv = line.substr(start + 6);
    size_t eq = kv.find('=');
    if (eq == std::string::npos) settings[kv] = "";
    else settings[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return settings;
}

std::string recorded_pgo_setting(const std::string& profile, const std::map<std::string, std::string>& settings) {
  auto trimpath = settings.find("-trimpath");
  if (trimpath != settings.end() && trimpath->second == "true") {
    size_t slash = profile.rfind('/');
    return slash == std::string::npos ? profile : profile.substr(slash + 1);
  }
  return profile;
}

std::vector<ListedPackage> parse_go_list(std::string_view text) {
  std::vector<ListedPackage> out;
  std::istringstream in{std::string(text)};
  try {
    while (true) {
      in >> std::ws;
      if (in.peek() == std::char_traits<char>::eof()) break;
      nlohmann::json j;
      in >> j;
      ListedPackage p;
      p.import_path = j.value("ImportPath", "");
      p.name = j.value("Name", "");
      p.dir = j.value("Dir", "");
      p.has_tests = (j.contains("TestGoFiles") && !j["TestGoFiles"].empty()) ||
                    (j.contains("XTestGoFiles") && !j["XTestGoFiles"].empty());
      if (j.contains("Error") && j["Error"].is_object()) p.error = j["Error"].value("Err", "error");
      out.push_back(std::move(p));
    }
  } catch (const nlohmann::json::exception& e) {
    throw BuildError(std::string("cannot read the output of go list -json: ") + e.what());
  }
  return out;
}

}  // namespace pgo::go
