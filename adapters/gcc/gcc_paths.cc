#include "adapters/gcc/gcc_paths.h"

#include <unistd.h>

#include <random>

#include "support/error.h"

namespace pgo::gcc_paths {
namespace fs = std::filesystem;

fs::path clean(const fs::path& p) {
  std::error_code ec;
  fs::path q = fs::weakly_canonical(fs::absolute(p), ec);
  if (ec) q = fs::absolute(p).lexically_normal();
  std::string s = q.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

fs::path unmangle(const fs::path& gcda_relative) {
  std::string name = gcda_relative.filename().string();
  for (char& c : name)
    if (c == '#') c = '/';
  fs::path out = gcda_relative.parent_path();
  for (const auto& part : fs::path(name)) out /= (part == "^" ? fs::path("..") : part);
  return out;
}

fs::path make_temp_dir(const fs::path& parent, const std::string& stem) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::error_code ec;
  fs::create_directories(parent, ec);
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path dir = parent / (stem + "-" + std::to_string(getpid()) + "-" + std::to_string(rng() % 100000000));
    if (fs::create_directory(dir, ec)) return dir;
  }
  throw BuildError("cannot create a temporary directory in " + parent.string() +
                   (ec ? ": " + ec.message() : std::string()));
}

}  // namespace pgo::gcc_paths
