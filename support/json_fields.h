// Lenient field access for JSON that other programs write (cargo, go list, CMake's File
// API): a missing or mistyped field reads as empty, and the caller decides whether empty
// is an error. Header-only, so that readers linked alone (the fuzz targets) need no library.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgo {

// The string `key` of object `j`; "" when `j` is no object or the field is absent or no string.
inline std::string json_string(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The strings of the array `key` of object `j`, skipping elements that are no strings.
inline std::vector<std::string> json_strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.is_object()) return out;
  if (auto it = j.find(key); it != j.end() && it->is_array())
    for (const nlohmann::json& s : *it)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

}  // namespace pgo
