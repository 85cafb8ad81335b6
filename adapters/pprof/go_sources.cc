#include "adapters/pprof/go_sources.h"

#include <cctype>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/atomic_file.h"
#include "support/error.h"

namespace pgo {
namespace fs = std::filesystem;
using nlohmann::json;

std::string go_symbol_prefix(std::string_view path, bool program_main) {
  if (program_main) return "main";
  static const char* hex = "0123456789abcdef";
  size_t slash = path.rfind('/');
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    auto c = static_cast<unsigned char>(path[i]);
    bool after_slash = slash == std::string_view::npos || i > slash;
    if (c <= ' ' || (c == '.' && after_slash) || c == '%' || c == '"' || c >= 0x7F) {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string go_symbol_package(std::string_view name) {
  // Type arguments may name other packages ("F[go.shape.struct { x example.com/a.T }]").
  std::string_view head = name.substr(0, name.find('['));
  size_t slash = head.rfind('/');
  size_t dot = head.find('.', slash == std::string_view::npos ? 0 : slash + 1);
  return std::string(head.substr(0, dot));
}

std::string go_module_of_file(std::string_view file, std::string* version) {
  constexpr std::string_view kCache = "/pkg/mod/";
  size_t root = file.rfind(kCache);
  if (root == std::string_view::npos) return "";
  std::string_view rest = file.substr(root + kCache.size());
  size_t at = rest.find('@');
  if (at == std::string_view::npos || rest.starts_with("cache/")) return "";
  size_t end = rest.find('/', at);
  if (version) *version = std::string(rest.substr(at + 1, end == std::string_view::npos ? std::string_view::npos : end - at - 1));
  std::string module;
  for (size_t i = 0; i < at; ++i) {
    if (rest[i] == '!' && i + 1 < at) module += static_cast<char>(std::toupper(static_cast<unsigned char>(rest[++i])));
    else module += rest[i];
  }
  return module;
}

std::vector<GoSourcePackage> go_sources_from_list(std::string_view text, bool program, std::string* module_path) {
  std::map<std::string, GoSourcePackage> by_path;
  std::set<std::string> variants;  // import paths whose test variant was seen
  std::istringstream in{std::string(text)};
  try {
    while (true) {
      in >> std::ws;
      if (in.peek() == std::char_traits<char>::eof()) break;
      json j;
      in >> j;
      const json module = j.value("Module", json::object());
      if (!module.is_object() || !module.value("Main", false)) continue;
      if (module_path) *module_path = module.value("Path", "");
      std::string import_path = j.value("ImportPath", "");
      bool variant = import_path.find(" [") != std::string::npos;
      import_path = import_path.substr(0, import_path.find(" ["));
      std::string name = j.value("Name", "");
      // The test main go test generates ("p.test", in the build cache) is not user code.
      if (name == "main" && import_path.ends_with(".test") && !variant && !program) continue;
      if (!variant && variants.count(import_path)) continue;
      if (variant) variants.insert(import_path);
      GoSourcePackage p;
      p.import_path = import_path;
      p.prefix = go_symbol_prefix(import_path, program && name == "main");
      fs::path dir = j.value("Dir", "");
      for (const char* key : {"GoFiles", "CgoFiles"})
        if (j.contains(key) && j[key].is_array())
          for (const auto& f : j[key]) {
            fs::path file = f.get<std::string>();
            p.files.push_back((file.is_absolute() ? file : dir / file).string());
          }
      by_path[import_path] = std::move(p);
    }
  } catch (const json::exception& e) {
    throw BuildError(std::string("cannot read the output of go list -deps -json: ") + e.what());
  }
  std::vector<GoSourcePackage> out;
  for (auto& [_, p] : by_path) out.push_back(std::move(p));
  return out;
}

void write_go_sources(const GoSources& sources, const fs::path& file) {
  json targets = json::object();
  for (const auto& [target, packages] : sources.targets) {
    json list = json::array();
    for (const auto& p : packages)
      list.push_back({{"import_path", p.import_path}, {"prefix", p.prefix}, {"files", p.files}});
    targets[target] = list;
  }
  json j = {{"schema", "pgo-go-sources/1"}, {"module", sources.module_path}, {"targets", targets}};
  write_file_atomic(file, j.dump(1) + "\n");
}

GoSources read_go_sources(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw Error(ExitCode::kCheckFailed, file.string() + ": missing (the instrumented Go build writes it)");
  GoSources out;
  try {
    json j = json::parse(read_file(file));
    if (j.value("schema", "") != "pgo-go-sources/1") throw json::other_error::create(501, "wrong schema", &j);
    out.module_path = j.at("module").get<std::string>();
    for (const auto& [target, list] : j.at("targets").items())
      for (const auto& p : list)
        out.targets[target].push_back(
            {p.at("import_path").get<std::string>(), p.at("prefix").get<std::string>(),
             p.at("files").get<std::vector<std::string>>()});
  } catch (const json::exception& e) {
    throw Error(ExitCode::kCheckFailed, file.string() + ": not a pgo Go source list: " + e.what());
  }
  return out;
}

}  // namespace pgo
