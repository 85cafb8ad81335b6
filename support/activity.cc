#include "support/activity.h"

#include <mutex>

namespace pgo {
namespace {
std::mutex mutex;
std::vector<std::filesystem::path> current;
}  // namespace

void set_activity_output(std::vector<std::filesystem::path> files) {
  std::lock_guard lock(mutex);
  current = std::move(files);
}

std::vector<std::filesystem::path> activity_output() {
  std::lock_guard lock(mutex);
  return current;
}

}  // namespace pgo
