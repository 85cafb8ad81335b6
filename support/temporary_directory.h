// A directory of its own under $TMPDIR (mkdtemp), removed with everything in it when the
// object goes, also when an error or an interruption unwinds past it.
#pragma once

#include <filesystem>
#include <string>

namespace pgo {

class TemporaryDirectory {
 public:
  // Creates $TMPDIR/<prefix>-XXXXXX; throws pgo::Error(kUsage) naming $TMPDIR and the reason.
  explicit TemporaryDirectory(const std::string& prefix);
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace pgo
