#include "support/stored_json.h"

namespace pgo {
using nlohmann::json;

const char* json_type_words(JsonType type) {
  switch (type) {
    case JsonType::kString: return "a string";
    case JsonType::kNumber: return "a number";
    case JsonType::kUnsigned: return "a non-negative integer";
    case JsonType::kBoolean: return "a boolean";
    case JsonType::kArray: return "an array";
    case JsonType::kObject: return "an object";
  }
  return "a value";
}

bool json_has_type(const json& value, JsonType type) {
  switch (type) {
    case JsonType::kString: return value.is_string();
    case JsonType::kNumber: return value.is_number();
    case JsonType::kUnsigned: return value.is_number_unsigned();
    case JsonType::kBoolean: return value.is_boolean();
    case JsonType::kArray: return value.is_array();
    case JsonType::kObject: return value.is_object();
  }
  return false;
}

StoredJson::StoredJson(std::filesystem::path file, std::string note, ExitCode code, Wording wording)
    : file_(std::move(file)), note_(std::move(note)), code_(code), wording_(wording) {}

void StoredJson::fail(const std::string& field, const std::string& problem) const {
  if (wording_ == Wording::kQuotedKey) throw Error(code_, file_.string() + ": " + note_ + ": " + field + ": " + problem);
  throw Error(code_, file_.string() + ": " + field + ": " + problem + " (" + note_ + ")");
}

void StoredJson::wrong_type(const std::string& field, const json& value, JsonType type) const {
  if (wording_ == Wording::kQuotedKey)
    throw Error(code_, file_.string() + ": " + note_ + ": key '" + field + "' is " + value.type_name() + ", expected " +
                           json_type_words(type));
  // A negative number is a number: say which rule it broke.
  std::string got = value.is_number() && type == JsonType::kUnsigned ? value.dump() : value.type_name();
  fail(field, std::string("expected ") + json_type_words(type) + ", got " + got);
}

const json& StoredJson::field(const json& parent, const std::string& path, const std::string& key, JsonType type) const {
  const std::string where = join(path, key);
  if (!parent.is_object() || !parent.contains(key)) {
    if (wording_ == Wording::kQuotedKey) throw Error(code_, file_.string() + ": " + note_ + ": missing key '" + where + "'");
    fail(where, "missing");
  }
  const json& value = parent.at(key);
  if (!json_has_type(value, type)) wrong_type(where, value, type);
  return value;
}

const json* StoredJson::optional(const json& parent, const std::string& path, const std::string& key,
                                 JsonType type) const {
  if (!parent.is_object() || !parent.contains(key) || parent.at(key).is_null()) return nullptr;
  return &field(parent, path, key, type);
}

std::string StoredJson::string(const json& parent, const std::string& path, const std::string& key) const {
  return field(parent, path, key, JsonType::kString).get<std::string>();
}

std::string StoredJson::string_or(const json& parent, const std::string& path, const std::string& key,
                                  const std::string& fallback) const {
  const json* value = optional(parent, path, key, JsonType::kString);
  return value ? value->get<std::string>() : fallback;
}

double StoredJson::number(const json& parent, const std::string& path, const std::string& key) const {
  return field(parent, path, key, JsonType::kNumber).get<double>();
}

uint64_t StoredJson::count(const json& parent, const std::string& path, const std::string& key) const {
  return field(parent, path, key, JsonType::kUnsigned).get<uint64_t>();
}

bool StoredJson::boolean(const json& parent, const std::string& path, const std::string& key) const {
  return field(parent, path, key, JsonType::kBoolean).get<bool>();
}

void StoredJson::each(const json& container, const std::string& path, JsonType type) const {
  if (container.is_array()) {
    for (size_t i = 0; i < container.size(); ++i)
      if (!json_has_type(container[i], type)) wrong_type(path + "[" + std::to_string(i) + "]", container[i], type);
    return;
  }
  for (const auto& [key, value] : container.items())
    if (!json_has_type(value, type)) wrong_type(join(path, key), value, type);
}

std::vector<std::string> StoredJson::strings(const json& parent, const std::string& path, const std::string& key) const {
  const json& list = field(parent, path, key, JsonType::kArray);
  each(list, join(path, key), JsonType::kString);
  return list.get<std::vector<std::string>>();
}

std::map<std::string, std::string> StoredJson::string_map(const json& parent, const std::string& path,
                                                          const std::string& key) const {
  const json& object = field(parent, path, key, JsonType::kObject);
  each(object, join(path, key), JsonType::kString);
  return object.get<std::map<std::string, std::string>>();
}

}  // namespace pgo
