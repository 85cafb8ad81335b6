#include "adapters/cmake/file_api.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "support/error.h"
#include "support/json_fields.h"

namespace pgo::cmake {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

[[noreturn]] void fail(const fs::path& file, const std::string& what) {
  throw BuildError("CMake File API reply " + file.string() + ": " + what);
}

json load_json(const fs::path& file) {
  // Only regular files: a FIFO or a device (/dev/zero) would block or never end.
  std::error_code ec;
  if (fs::exists(file, ec) && !fs::is_regular_file(file, ec)) fail(file, "is not a regular file");
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, "cannot be read (missing? did the configure step finish?)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    json doc = json::parse(buffer.str());
    if (!doc.is_object()) fail(file, "is not a JSON object");
    return doc;
  } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e400
    fail(file, std::string("malformed JSON: ") + e.what());
  }
}

// `key` of `obj`, which must exist and have the given type; `where` says where `obj` sits.
const json& need(const json& obj, const char* key, json::value_t type, const fs::path& file,
                 const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) fail(file, "missing '" + std::string(key) + "' in " + where);
  bool ok = it->type() == type ||
            (type == json::value_t::number_unsigned && it->is_number_integer());
  if (!ok) fail(file, "'" + std::string(key) + "' in " + where + " has the wrong type");
  return *it;
}

std::string need_string(const json& obj, const char* key, const fs::path& file,
                        const std::string& where) {
  return need(obj, key, json::value_t::string, file, where).get<std::string>();
}

// The reply file named by the `jsonFile` member of `obj`. CMake writes plain file names
// into the reply directory; anything else (an absolute path, "../", a subdirectory) would
// make pgo read a file outside it, so it is refused.
fs::path json_file(const json& obj, const fs::path& reply_dir, const fs::path& file,
                   const std::string& where) {
  std::string name = need_string(obj, "jsonFile", file, where);
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos)
    fail(file, "'jsonFile' in " + where + " is '" + name +
                   "', not a plain file name in the reply directory");
  return reply_dir / name;
}

// The reply object of one query kind inside index.reply["client-pgo"].
fs::path reply_object(const json& client, const char* kind, const fs::path& reply_dir,
                      const fs::path& index) {
  auto it = client.find(kind);
  if (it == client.end() || !it->is_object())
    fail(index, std::string("no reply to query '") + kind + "' for " + kClientName +
                    " (was the query file written before configuring?)");
  if (auto err = it->find("error"); err != it->end())
    fail(index, std::string("CMake refused query '") + kind + "': " + err->dump());
  std::string where = std::string("reply.") + kClientName + "." + kind;
  return json_file(*it, reply_dir, index, where);
}

CodemodelTarget parse_target(const fs::path& file) {
  json doc = load_json(file);
  CodemodelTarget t;
  t.name = need_string(doc, "name", file, "the target object");
  t.type = need_string(doc, "type", file, "target '" + t.name + "'");
  t.name_on_disk = json_string(doc, "nameOnDisk");
  if (auto g = doc.find("isGeneratorProvided"); g != doc.end() && g->is_boolean())
    t.generator_provided = g->get<bool>();
  if (auto arts = doc.find("artifacts"); arts != doc.end()) {
    if (!arts->is_array()) fail(file, "'artifacts' of target '" + t.name + "' is not an array");
    for (const json& a : *arts)
      t.artifacts.emplace_back(need_string(a, "path", file, "an artifact of '" + t.name + "'"));
  }
  if (t.type == "EXECUTABLE" && t.artifacts.empty())
    fail(file, "executable target '" + t.name + "' has no 'artifacts'");
  if (auto link = doc.find("link"); link != doc.end() && link->is_object()) {
    t.link_language = json_string(*link, "language");
    if (auto frags = link->find("commandFragments"); frags != link->end() && frags->is_array())
      for (const json& f : *frags)
        if (is_threads_fragment(json_string(f, "fragment"))) t.links_threads = true;
  }
  return t;
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(list);
  while (std::getline(in, item, ';'))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

void write_queries(const fs::path& build_dir) {
  fs::path dir = build_dir / ".cmake/api/v1/query" / kClientName;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw BuildError("cannot create " + dir.string() + ": " + ec.message());
  for (const char* kind : {"codemodel-v2", "toolchains-v1", "cache-v2"}) {
    std::ofstream out(dir / kind, std::ios::trunc);  // stateless queries are empty files
    if (!out) throw BuildError("cannot write " + (dir / kind).string());
  }
}

fs::path reply_dir(const fs::path& build_dir) { return build_dir / ".cmake/api/v1/reply"; }

ReplyIndex read_index(const fs::path& dir) {
  // cmake-file-api(7): the valid index is the one whose name sorts last.
  fs::path newest;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.starts_with("index-") && name.ends_with(".json") &&
        (newest.empty() || name > newest.filename().string()))
      newest = it->path();
  }
  if (newest.empty())
    fail(dir, "no index-*.json (the configure step did not run, failed, or was given no queries)");
  json doc = load_json(newest);
  const json& reply = need(doc, "reply", json::value_t::object, newest, "the index");
  auto client = reply.find(kClientName);
  if (client == reply.end() || !client->is_object())
    fail(newest, std::string("no 'reply.") + kClientName + "' object");
  ReplyIndex index;
  index.index = newest;
  index.codemodel = reply_object(*client, "codemodel-v2", dir, newest);
  index.toolchains = reply_object(*client, "toolchains-v1", dir, newest);
  index.cache = reply_object(*client, "cache-v2", dir, newest);
  return index;
}

const CodemodelTarget* Codemodel::find(const std::string& name) const {
  for (const CodemodelTarget& t : targets)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<std::string> Codemodel::executable_names() const {
  std::vector<std::string> names;
  for (const CodemodelTarget& t : targets)
    if (t.type == "EXECUTABLE" && !t.generator_provided) names.push_back(t.name);
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

Codemodel codemodel_from(const fs::path& dir, const fs::path& file, const std::string& configuration) {
  json doc = load_json(file);
  Codemodel model;
  const json& paths = need(doc, "paths", json::value_t::object, file, "the codemodel");
  model.source_dir = need_string(paths, "source", file, "'paths'");
  model.build_dir = need_string(paths, "build", file, "'paths'");
  const json& configs = need(doc, "configurations", json::value_t::array, file, "the codemodel");
  if (configs.empty()) fail(file, "'configurations' is empty");

  const json* chosen = nullptr;
  std::vector<std::string> names;
  for (const json& c : configs) {
    names.push_back(json_string(c, "name"));
    if (!chosen && !configuration.empty() && names.back() == configuration) chosen = &c;
  }
  if (!chosen) {
    if (!configuration.empty() && configs.size() > 1) {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      fail(file, "no configuration '" + configuration + "' (it has: " + list + ")");
    }
    chosen = &configs.front();
  }
  model.configuration = json_string(*chosen, "name");
  std::string where = "configuration '" + model.configuration + "'";
  const json& targets = need(*chosen, "targets", json::value_t::array, file, where);
  for (const json& t : targets) {
    model.targets.push_back(parse_target(json_file(t, dir, file, "a target of " + where)));
  }
  return model;
}

std::vector<ToolchainEntry> toolchains_from(const fs::path& file) {
  json doc = load_json(file);
  std::vector<ToolchainEntry> out;
  for (const json& t : need(doc, "toolchains", json::value_t::array, file, "the toolchains object")) {
    ToolchainEntry e;
    e.language = need_string(t, "language", file, "a toolchain");
    std::string where = "toolchain '" + e.language + "'";
    const json& compiler = need(t, "compiler", json::value_t::object, file, where);
    where += " compiler";
    // CMake omits id/version/path when it could not determine them; pgo needs id and path.
    e.compiler_id = need_string(compiler, "id", file, where);
    e.path = need_string(compiler, "path", file, where);
    e.version = json_string(compiler, "version");
    out.push_back(std::move(e));
  }
  return out;
}

Cache cache_from(const fs::path& file) {
  json doc = load_json(file);
  Cache cache;
  for (const json& e : need(doc, "entries", json::value_t::array, file, "the cache object")) {
    std::string name = need_string(e, "name", file, "a cache entry");
    CacheEntry entry;
    entry.type = json_string(e, "type");
    entry.value = need_string(e, "value", file, "cache entry '" + name + "'");
    cache[name] = std::move(entry);
  }
  return cache;
}

}  // namespace

Codemodel parse_codemodel(const fs::path& dir, const std::string& configuration) {
  return codemodel_from(dir, read_index(dir).codemodel, configuration);
}

std::vector<ToolchainEntry> parse_toolchains(const fs::path& dir) {
  return toolchains_from(read_index(dir).toolchains);
}

Cache parse_cache(const fs::path& dir) { return cache_from(read_index(dir).cache); }

const ToolchainEntry* FileApiReply::toolchain(const std::string& language) const {
  for (const ToolchainEntry& t : toolchains)
    if (t.language == language) return &t;
  return nullptr;
}

FileApiReply read_reply(const fs::path& dir, const std::string& configuration) {
  ReplyIndex index = read_index(dir);  // once, so that all three come from the same run
  FileApiReply reply;
  reply.codemodel = codemodel_from(dir, index.codemodel, configuration);
  reply.toolchains = toolchains_from(index.toolchains);
  reply.cache = cache_from(index.cache);
  if (auto it = reply.cache.find(kThreadsCacheEntry); it != reply.cache.end())
    for (const std::string& name : split_list(it->second.value))
      for (CodemodelTarget& t : reply.codemodel.targets)
        if (t.name == name) t.links_threads = true;
  return reply;
}

bool is_threads_fragment(const std::string& fragment) {
  // A fragment may hold several flags ("-Wl,--as-needed -pthread"); look at each word.
  std::istringstream words(fragment);
  std::string w;
  while (words >> w) {
    if (w == "-pthread" || w == "-pthreads" || w == "-lpthread") return true;
    std::string base = fs::path(w).filename().string();
    if (base == "libpthread.a" || base.starts_with("libpthread.so")) return true;
  }
  return false;
}

}  // namespace pgo::cmake
