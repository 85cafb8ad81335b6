#include "workloads/pgo_cgroup.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace pgo {
namespace fs = std::filesystem;

namespace {

// Where cgroup v2 is mounted ("/sys/fs/cgroup", or "/sys/fs/cgroup/unified" beside v1).
fs::path cgroup2_mount() {
  std::ifstream mounts("/proc/self/mountinfo");
  std::string line;
  while (std::getline(mounts, line)) {
    // "<id> <parent> <dev> <root> <mount point> <options> [optional...] - <fstype> <source> ..."
    const size_t dash = line.find(" - ");
    if (dash == std::string::npos || line.compare(dash + 3, 8, "cgroup2 ") != 0) continue;
    std::istringstream fields(line.substr(0, dash));
    std::string id, parent, dev, root, point;
    if (fields >> id >> parent >> dev >> root >> point) return point;
  }
  return {};
}

// pgo's group as it started: "<mount><path of 0::path in /proc/self/cgroup>".
fs::path home_group() {
  static const fs::path home = [] {
    const fs::path mount = cgroup2_mount();
    if (mount.empty()) return fs::path();
    std::ifstream self("/proc/self/cgroup");
    std::string line;
    while (std::getline(self, line))
      if (line.starts_with("0::")) return (mount / line.substr(4)).lexically_normal();
    return fs::path();
  }();
  return home;
}

bool write_to(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

size_t count_processes(const fs::path& group) {
  std::ifstream procs(group / "cgroup.procs");
  size_t n = 0;
  for (std::string line; std::getline(procs, line);) n += !line.empty();
  return n;
}

// Kills everything in `group` (cgroup.kill, else a SIGKILL per process) and removes it once
// empty, waiting up to about two seconds.
void kill_group(const fs::path& group) {
  if (!write_to(group / "cgroup.kill", "1")) {
    std::ifstream procs(group / "cgroup.procs");
    for (std::string line; std::getline(procs, line);)
      if (!line.empty()) ::kill(static_cast<pid_t>(std::stol(line)), SIGKILL);
  }
  for (int i = 0; i < 200; ++i) {
    std::error_code ec;
    if (fs::remove(group, ec) || !fs::exists(group, ec)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool entered = false;

}  // namespace

fs::path cgroup_of_pgo(pid_t pid) {
  const fs::path home = home_group();
  if (home.empty()) return {};
  // Beside pgo's own group: a pgo already inside "pgo.<pid>" makes its siblings' names.
  const fs::path parent = home.filename().string().starts_with("pgo.") ? home.parent_path() : home;
  return parent / ("pgo." + std::to_string(pid));
}

// Removes the empty groups of pgo processes that no longer run (rmdir fails on a group
// that still holds a process, so a killed pgo's survivors stay for its store's next pgo).
void remove_empty_groups_of_dead_pgos(const fs::path& parent) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("pgo.")) continue;
    std::ifstream comm("/proc/" + name.substr(4) + "/comm");
    std::string running;
    if (std::getline(comm, running) && running == "pgo") continue;
    std::error_code ignored;
    fs::remove(e.path(), ignored);
  }
}

bool enter_own_cgroup() {
  const fs::path group = cgroup_of_pgo(::getpid());
  if (group.empty()) return false;
  remove_empty_groups_of_dead_pgos(group.parent_path());
  std::error_code ec;
  if (!fs::create_directory(group, ec) && !fs::is_directory(group, ec)) return false;
  if (!write_to(group / "cgroup.procs", "0")) {  // "0": the writing process
    fs::remove(group, ec);
    return false;
  }
  entered = true;
  return true;
}

void kill_own_cgroup() {
  if (!entered) return;
  entered = false;
  const fs::path group = cgroup_of_pgo(::getpid());
  // pgo goes back where it came from first: cgroup.kill would kill the writer too.
  if (!write_to(home_group() / "cgroup.procs", "0")) return;
  kill_group(group);
}

size_t kill_cgroup_of_dead_pgo(pid_t pid) {
  if (pid <= 0 || pid == ::getpid()) return 0;
  const fs::path group = cgroup_of_pgo(pid);
  std::error_code ec;
  if (group.empty() || !fs::is_directory(group, ec)) return 0;
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  if (std::getline(comm, name) && name == "pgo") return 0;  // still running
  const size_t held = count_processes(group);
  kill_group(group);
  return held;
}

}  // namespace pgo
