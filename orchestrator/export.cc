#include "orchestrator/export.h"

#include "orchestrator/pipeline.h"
#include "orchestrator/staleness.h"
#include "orchestrator/store.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/stored_json.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

// The metadata's use flags with the stored profile's place holder replaced by `copy`. The
// metadata is read as `pgo status` reads it: damaged metadata is an error naming file and key.
std::string use_flags(const fs::path& metadata_file, const fs::path& copy) {
  const nlohmann::json meta = read_profile_metadata(metadata_file);
  const StoredJson r(metadata_file, "corrupt profile metadata", ExitCode::kCheckFailed,
                     StoredJson::Wording::kQuotedKey);
  std::map<std::string, std::vector<std::string>> flags;  // compile, link
  if (const nlohmann::json* use = r.optional(meta["flags"], "flags", "use", JsonType::kObject))
    for (const char* key : {"compile", "link"})
      if (r.optional(*use, "flags.use", key, JsonType::kArray))
        for (std::string flag : r.strings(*use, "flags.use", key)) {
          if (size_t at = flag.find("<profile>"); at != std::string::npos) flag.replace(at, 9, copy.string());
          flags[key].push_back(flag);
        }
  return "compile with: " + join(flags["compile"], " ") +
         (flags["link"].empty() ? "" : "; link with: " + join(flags["link"], " "));
}

// The directory of the main package whose binary is `target` (build.packages; "." when none).
std::optional<fs::path> main_package_dir(const Config& config, const std::string& target) {
  std::vector<std::string> packages = config.build.packages.empty() ? std::vector<std::string>{"."}
                                                                     : config.build.packages;
  for (const std::string& p : packages) {
    const fs::path dir = fs::weakly_canonical(config.project_dir / config.build.source_dir / p);
    if (dir.filename() == target) return dir;
  }
  return std::nullopt;
}

void copy_profile(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::remove_all(to, ec);
  fs::create_directories(to.parent_path());
  if (fs::is_directory(from)) fs::copy(from, to, fs::copy_options::recursive);
  else write_file_atomic(to, read_file(from));
}

}  // namespace

std::vector<ExportedProfile> export_profiles(const Config& config, const ProfileExportOptions& options) {
  const ProfileStore store(config.project_dir / config.store_dir);
  const fs::path out = options.out.empty() ? config.project_dir / "pgo-profiles" : fs::absolute(options.out);
  const fs::path profiles = store.root() / "profiles";
  std::vector<ExportedProfile> exported;
  std::error_code ec;
  if (!fs::is_directory(profiles, ec))
    throw UsageError("no stored profile in " + profiles.string() + "; run `pgo build` first");
  std::vector<fs::path> targets;
  for (const auto& e : fs::directory_iterator(profiles)) targets.push_back(e.path());
  std::sort(targets.begin(), targets.end());
  for (const ToolchainSpec& spec : select_toolchains(config, options.toolchains))
    for (const fs::path& dir : targets) {
      const std::string target = dir.filename().string(), tc = spec.name;
      const fs::path metadata = store.metadata_path(target, tc);
      for (const char* ext : {".pprof", ".profdata", ".gcda.d"}) {
        const fs::path stored = store.profile_path(target, tc, ext);
        if (!fs::exists(stored, ec) || !fs::exists(metadata, ec)) continue;
        ExportedProfile e{target, tc, {}, {}};
        if (std::string(ext) == ".pprof") {
          std::optional<fs::path> package = main_package_dir(config, target);
          if (!package) {
            e.use = "not exported: Go reads default.pgo only in a main package's directory, and " + target +
                    " is not one of build.packages (a test binary's profile serves pgo build only)";
          } else {
            e.path = *package / "default.pgo";
            copy_profile(stored, e.path);
            e.use = "go build uses it by itself (-pgo=auto, the default, reads default.pgo of the main packages "
                    "built; -pgo=off turns it off)";
          }
        } else {
          e.path = out / (target + "." + tc + ext);
          e.use = use_flags(metadata, e.path);  // damaged metadata stops before anything is copied
          copy_profile(stored, e.path);
          if (std::string(ext) == ".gcda.d")
            e.use += " (GCC finds each object's .gcda by its path relative to the -fprofile-prefix-path "
                     "directory: build in that directory, or give yours with the same relative object paths)";
        }
        exported.push_back(std::move(e));
      }
    }
  if (exported.empty()) throw UsageError("no stored profile of the selected toolchains in " + profiles.string());
  return exported;
}

}  // namespace pgo
