#include "support/temporary_directory.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>

#include "support/error.h"

namespace pgo {
namespace fs = std::filesystem;

TemporaryDirectory::TemporaryDirectory(const std::string& prefix) {
  std::error_code ec;
  fs::path parent = fs::temp_directory_path(ec);
  if (ec) parent = "/tmp";
  std::string pattern = (parent / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data()))
    throw UsageError("cannot create a directory in " + parent.string() + ": " + std::strerror(errno));
  path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace pgo
