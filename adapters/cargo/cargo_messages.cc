#include "adapters/cargo/cargo_messages.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "support/json_fields.h"

namespace pgo::cargo {

namespace {

using nlohmann::json;

// A cdylib's or dylib's shared object, from the artifact's "filenames".
void add_shared_library(const json& j, BuildMessages& out) {
  auto t = j.find("target");
  if (t == j.end() || !t->is_object()) return;
  std::vector<std::string> kinds = json_strings(*t, "kind");
  if (std::find(kinds.begin(), kinds.end(), "cdylib") == kinds.end() &&
      std::find(kinds.begin(), kinds.end(), "dylib") == kinds.end())
    return;
  for (const std::string& f : json_strings(j, "filenames"))
    if (f.ends_with(".so") && std::find(out.shared_libraries.begin(), out.shared_libraries.end(), f) ==
                                  out.shared_libraries.end())
      out.shared_libraries.emplace_back(f);
}

void add_artifact(const json& j, BuildMessages& out) {
  add_shared_library(j, out);
  auto exe = j.find("executable");
  if (exe == j.end() || !exe->is_string()) return;  // libraries, build scripts' outputs, ...
  ExecutableArtifact a;
  a.package_id = json_string(j, "package_id");
  a.executable = exe->get<std::string>();
  if (auto t = j.find("target"); t != j.end() && t->is_object()) {
    a.target_name = json_string(*t, "name");
    a.kinds = json_strings(*t, "kind");
  }
  if (auto f = j.find("fresh"); f != j.end() && f->is_boolean()) a.fresh = f->get<bool>();
  out.executables.push_back(std::move(a));
}

void add_message(const json& j, BuildMessages& out) {
  auto m = j.find("message");
  if (m == j.end() || !m->is_object()) return;
  std::string text = json_string(*m, "rendered");
  if (text.empty()) text = json_string(*m, "level") + ": " + json_string(*m, "message") + "\n";
  out.rendered += text;
  if (!out.rendered.empty() && out.rendered.back() != '\n') out.rendered += '\n';
}

}  // namespace

BuildMessages parse_build_messages(std::string_view text) {
  BuildMessages out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("reason")) {
      out.unparsed.emplace_back(line);
      continue;
    }
    const std::string reason = json_string(j, "reason");
    if (reason == "compiler-artifact") {
      out.built_packages.push_back(json_string(j, "package_id"));
      add_artifact(j, out);
    } else if (reason == "compiler-message") {
      add_message(j, out);
    } else if (reason == "build-finished") {
      out.finished = true;
      auto s = j.find("success");
      out.success = s != j.end() && s->is_boolean() && s->get<bool>();
    }
  }
  return out;
}

const ExecutableArtifact* find_bin(const BuildMessages& messages, const std::string& target,
                                   const std::string& package_id) {
  return find_executable(messages, "bin", target, package_id);
}

const ExecutableArtifact* find_executable(const BuildMessages& messages, const std::string& kind,
                                          const std::string& target, const std::string& package_id) {
  const ExecutableArtifact* first = nullptr;
  for (const ExecutableArtifact& a : messages.executables) {
    if (a.target_name != target || std::find(a.kinds.begin(), a.kinds.end(), kind) == a.kinds.end()) continue;
    if (!package_id.empty() && a.package_id == package_id) return &a;
    if (!first) first = &a;
  }
  return first;
}

}  // namespace pgo::cargo
