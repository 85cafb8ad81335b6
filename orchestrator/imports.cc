#include "orchestrator/imports.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "orchestrator/stored_profile.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/stored_json.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSchema = "pgo-imports/1";

fs::path imports_dir(const ProfileStore& store, const std::string& target) {
  return store.root() / "profiles" / target / "imports";
}

ImportedProfile entry_from_json(const StoredJson& r, const json& e, const std::string& path) {
  ImportedProfile p;
  p.file = r.string(e, path, "file");
  p.sha256 = r.string(e, path, "sha256");
  p.imported = r.string(e, path, "imported");
  p.weight = r.count(e, path, "weight");
  p.toolchain = r.string(e, path, "toolchain");
  p.format = r.string(e, path, "format");
  p.kind = r.string(e, path, "kind");
  p.version = r.string_or(e, path, "version", "");
  p.stored = r.string(e, path, "stored");
  if (r.optional(e, path, "total_count", JsonType::kUnsigned)) p.total_count = r.count(e, path, "total_count");
  p.collected = r.string_or(e, path, "collected", "");
  // The stored name is joined to the imports directory: it must stay inside it.
  if (p.stored.empty() || p.stored.find('/') != std::string::npos || p.stored[0] == '.')
    r.fail(StoredJson::join(path, "stored"), "not a file name of the imports directory: '" + p.stored + "'");
  if (p.weight == 0) r.fail(StoredJson::join(path, "weight"), "0 (weights are positive integers)");
  return p;
}

void write_manifest(const fs::path& file, const std::string& target, const std::string& toolchain,
                    const std::vector<ImportedProfile>& imports) {
  json list = json::array();
  for (const auto& p : imports) list.push_back(to_json(p));
  json j = {{"schema", kSchema}, {"target", target}, {"toolchain", toolchain}, {"imports", list}};
  write_file_atomic(file, j.dump(2) + "\n");
}

}  // namespace

const std::vector<std::string>& profile_mode_names() {
  static const std::vector<std::string> names = {"trained", "trained-only", "imported"};
  return names;
}

const char* to_string(ProfileMode mode) {
  switch (mode) {
    case ProfileMode::Trained: return "trained";
    case ProfileMode::TrainedOnly: return "trained-only";
    case ProfileMode::Imported: return "imported";
  }
  return "trained";
}

ProfileMode parse_profile_mode(const std::string& name) {
  if (name == "trained" || name.empty()) return ProfileMode::Trained;
  if (name == "trained-only") return ProfileMode::TrainedOnly;
  if (name == "imported") return ProfileMode::Imported;
  throw UsageError("--profile " + name + ": unknown; one of " + join(profile_mode_names(), ", "));
}

json to_json(const ImportedProfile& p) {
  json j = {{"file", p.file},           {"sha256", p.sha256}, {"imported", p.imported},
            {"weight", p.weight},       {"toolchain", p.toolchain}, {"format", p.format},
            {"kind", p.kind},           {"version", p.version},     {"stored", p.stored},
            {"total_count", p.total_count}};
  if (!p.collected.empty()) j["collected"] = p.collected;
  return j;
}

fs::path imports_manifest(const ProfileStore& store, const std::string& target, const std::string& toolchain) {
  return imports_dir(store, target) / (toolchain + ".json");
}

fs::path imported_file(const ProfileStore& store, const std::string& target, const ImportedProfile& p) {
  return imports_dir(store, target) / p.stored;
}

std::vector<ImportedProfile> read_imports(const ProfileStore& store, const std::string& target,
                                          const std::string& toolchain) {
  const fs::path file = imports_manifest(store, target, toolchain);
  std::error_code ec;
  if (!fs::exists(file, ec)) return {};
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  const std::string note = "a damaged imports manifest: run pgo import again";
  if (!in || j.is_discarded() || !j.is_object())
    throw UsageError(file.string() + ": not a JSON object (" + note + ")");
  StoredJson r(file, note, ExitCode::kUsage);
  if (r.string(j, "", "schema") != kSchema) r.fail("schema", "expected \"" + std::string(kSchema) + "\"");
  const json& list = r.field(j, "", "imports", JsonType::kArray);
  std::vector<ImportedProfile> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = "imports[" + std::to_string(i) + "]";
    if (!list[i].is_object()) r.fail(path, "not an object");
    ImportedProfile p = entry_from_json(r, list[i], path);
    if (!fs::is_regular_file(imported_file(store, target, p), ec))
      r.fail(path + ".stored", "the imported profile " + imported_file(store, target, p).string() + " is missing");
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<ImportedProfile> add_import(const ProfileStore& store, const std::string& target, const fs::path& prepared,
                                        const std::string& extension, ImportedProfile entry, bool replace) {
  const std::string& tc = entry.toolchain;
  entry.stored = tc + "." + profile_digest(prepared).substr(0, 16) + extension;
  std::vector<ImportedProfile> imports = replace ? std::vector<ImportedProfile>{} : read_imports(store, target, tc);
  std::erase_if(imports, [&](const ImportedProfile& p) { return p.stored == entry.stored; });
  imports.push_back(entry);
  copy_file_atomic(prepared, imported_file(store, target, entry));
  const fs::path manifest = imports_manifest(store, target, tc);
  write_manifest(manifest, target, tc, imports);
  // What the manifest no longer names (replaced imports) goes, after the manifest moved on.
  std::set<std::string> named;
  for (const auto& p : imports) named.insert(p.stored);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(manifest.parent_path(), ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(tc + ".") && name != manifest.filename().string() && !named.count(name))
      fs::remove(e.path(), ec);
  }
  return imports;
}

std::vector<ImportedProfile> imports_for_build(const ProfileStore& store, const std::vector<std::string>& targets,
                                               const std::string& toolchain, std::vector<WeightedInput>* inputs) {
  std::vector<ImportedProfile> out;
  std::set<std::string> seen;  // the same content imported for two targets counts once
  for (const std::string& target : targets)
    for (ImportedProfile& p : read_imports(store, target, toolchain)) {
      if (!seen.insert(p.stored).second) continue;
      if (inputs) inputs->push_back(WeightedInput{imported_file(store, target, p), p.weight});
      out.push_back(std::move(p));
    }
  return out;
}

json profile_parts(const std::string& training, size_t raw_profiles, const std::string& created,
                   const std::vector<ImportedProfile>& imports) {
  json parts = json::array();
  if (!training.empty())
    parts.push_back({{"source", training}, {"raw_profiles", raw_profiles}, {"weight", 1}, {"created", created}});
  for (const ImportedProfile& p : imports) {
    json part = to_json(p);
    part["source"] = "imported";
    parts.push_back(std::move(part));
  }
  return parts;
}

std::string oldest_part_time(const json& metadata) {
  std::string oldest = metadata.value("created", "");
  const json parts = metadata.value("parts", json::array());
  if (!parts.is_array()) return oldest;
  for (const json& part : parts) {
    if (!part.is_object()) continue;
    const json& t = part.contains("imported") ? part["imported"] : part.contains("created") ? part["created"] : json();
    // ISO 8601 UTC stamps of one format order as strings do.
    if (t.is_string() && (oldest.empty() || t.get<std::string>() < oldest)) oldest = t.get<std::string>();
  }
  return oldest;
}

std::vector<std::string> imported_part_digests(const json& metadata) {
  std::vector<std::string> out;
  const json parts = metadata.value("parts", json::array());
  if (parts.is_array())
    for (const json& part : parts)
      if (part.is_object() && part.value("source", "") == "imported" && part.contains("sha256") &&
          part["sha256"].is_string())
        out.push_back(part["sha256"].get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> import_digests(const std::vector<ImportedProfile>& imports) {
  std::vector<std::string> out;
  for (const auto& p : imports) out.push_back(p.sha256);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> import_notes(const ProfileStore& store, const std::string& target,
                                      const std::string& toolchain, const json& metadata) {
  std::vector<std::string> notes, names;
  const json parts = metadata.value("parts", json::array());
  for (const json& part : parts.is_array() ? parts : json::array())
    if (part.is_object() && part.value("source", "") == "imported")
      names.push_back(fs::path(part.value("file", "")).filename().string() + " (imported " +
                      part.value("imported", "?") + ", weight " + std::to_string(part.value("weight", 1)) + ")");
  if (!names.empty()) notes.push_back("holds imported profile(s): " + join(names, ", "));
  try {
    const std::vector<ImportedProfile> now = read_imports(store, target, toolchain);
    if (import_digests(now) != imported_part_digests(metadata))
      notes.push_back(std::to_string(now.size()) + " imported profile(s) in the store differ from those it holds; "
                      "`pgo build` merges them (--profile trained-only leaves them out)");
  } catch (const Error& e) {
    notes.push_back(e.what());
  }
  return notes;
}

}  // namespace pgo
