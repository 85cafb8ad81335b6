#include "adapters/command/source_tree.h"

#include <algorithm>
#include <functional>
#include <vector>

#include "support/error.h"
#include "support/hash.h"

namespace pgo::command {

namespace fs = std::filesystem;

namespace {

fs::path canonical_or_self(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p : c;
}

// Visits the entries under `root` in sorted order, skipping excluded directories.
// `visit(path, status)` gets every file, link and directory (before its contents).
void walk(const fs::path& root, const fs::path& store, const std::function<void(const fs::path&, fs::file_status)>& visit) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) entries.push_back(e.path());
  if (ec) throw BuildError("cannot list " + root.string() + ": " + ec.message());
  std::sort(entries.begin(), entries.end());
  for (const fs::path& p : entries) {
    fs::file_status st = fs::symlink_status(p, ec);
    if (ec) throw BuildError("cannot read " + p.string() + ": " + ec.message());
    if (fs::is_directory(st) && excluded_directory(p, store)) continue;
    visit(p, st);
    if (fs::is_directory(st)) walk(p, store, visit);
  }
}

}  // namespace

bool excluded_directory(const fs::path& dir, const fs::path& store_dir) {
  std::error_code ec;
  if (dir.filename() == ".git") return true;
  if (!store_dir.empty() && fs::equivalent(dir, store_dir, ec)) return true;
  return fs::exists(dir / "CMakeCache.txt", ec) || fs::is_directory(dir / "meson-private", ec);
}

void copy_tree(const fs::path& source, const fs::path& destination, const fs::path& store_dir) {
  fs::path store = canonical_or_self(store_dir);
  std::error_code ec;
  fs::create_directories(destination, ec);
  if (ec) throw BuildError("cannot create " + destination.string() + ": " + ec.message());
  std::vector<std::pair<fs::path, fs::path>> dirs;  // their times are set last
  walk(source, store, [&](const fs::path& p, fs::file_status st) {
    fs::path to = destination / fs::relative(p, source);
    std::error_code e;
    if (fs::is_symlink(st)) {
      fs::copy_symlink(p, to, e);
    } else if (fs::is_directory(st)) {
      fs::create_directory(to, e);
      dirs.emplace_back(p, to);
    } else if (fs::is_regular_file(st)) {
      fs::copy_file(p, to, e);
      if (!e) fs::last_write_time(to, fs::last_write_time(p), e);
    }  // sockets, fifos and devices are not sources
    if (e) throw BuildError("cannot copy " + p.string() + " to " + to.string() + ": " + e.message());
  });
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    std::error_code e;
    fs::last_write_time(it->second, fs::last_write_time(it->first), e);
  }
}

std::string tree_fingerprint(const fs::path& source, const fs::path& store_dir) {
  fs::path store = canonical_or_self(store_dir);
  Fingerprint fp;
  walk(source, store, [&](const fs::path& p, fs::file_status st) {
    std::error_code e;
    std::string rel = fs::relative(p, source).string();
    if (fs::is_symlink(st)) {
      fp.add("link " + rel, fs::read_symlink(p, e).string());
    } else if (fs::is_directory(st)) {
      fp.add("dir", rel);
    } else if (fs::is_regular_file(st)) {
      auto time = fs::last_write_time(p, e).time_since_epoch().count();
      fp.add("file " + rel, std::to_string(fs::file_size(p, e)) + " " + std::to_string(time) + " " +
                                std::to_string(static_cast<unsigned>(st.permissions())));
    }
  });
  return fp.hex();
}

}  // namespace pgo::command
