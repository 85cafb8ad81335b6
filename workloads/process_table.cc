#include "workloads/process_table.h"

#include <charconv>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

namespace pgo {
namespace fs = std::filesystem;

namespace {

// The file's bytes; "" when it cannot be read. A process that is reaped between the open
// and the read of its /proc files makes read() fail (ESRCH), which libstdc++'s filebuf throws
// as std::ios_base::failure through istreambuf_iterator.
std::string read_whole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  try {
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure&) {
    return {};
  }
}

// "a\0b\0" (cmdline, environ) -> {"a", "b"}
std::vector<std::string> split_nul(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c != '\0') {
      current += c;
      continue;
    }
    out.push_back(current);
    current.clear();
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

// "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
std::optional<ProcessEntry> parse_stat(pid_t pid, const std::string& line) {
  size_t open = line.find('('), close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  ProcessEntry entry;
  entry.pid = pid;
  entry.comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 1));
  long pgrp = 0;
  if (!(rest >> entry.state >> entry.ppid >> pgrp >> entry.session)) return std::nullopt;
  return entry;
}

bool is_inside(const std::string& path, const std::string& tree) {
  return path == tree || path.starts_with(tree + "/");
}

bool names_a_path_inside(const std::string& argument, const std::string& tree) {
  return argument.find(tree + "/") != std::string::npos || argument.ends_with(tree);
}

// The tree's processes in which `self` is the root, and `self`'s ancestors.
std::set<pid_t> relatives_of(pid_t self, const std::vector<ProcessEntry>& table) {
  std::map<pid_t, pid_t> parent;
  std::multimap<pid_t, pid_t> children;
  for (const auto& p : table) {
    parent[p.pid] = p.ppid;
    children.emplace(p.ppid, p.pid);
  }
  std::set<pid_t> relatives = {self};
  for (pid_t up = parent.count(self) ? parent[self] : 0; up > 0 && relatives.insert(up).second;)
    up = parent.count(up) ? parent[up] : 0;
  std::vector<pid_t> todo = {self};
  while (!todo.empty()) {
    pid_t p = todo.back();
    todo.pop_back();
    auto [first, last] = children.equal_range(p);
    for (auto it = first; it != last; ++it)
      if (relatives.insert(it->second).second) todo.push_back(it->second);
  }
  return relatives;
}

}  // namespace

std::vector<ProcessEntry> read_process_table(const fs::path& proc_root) {
  std::vector<ProcessEntry> table;
  std::error_code ec;
  for (fs::directory_iterator it(proc_root, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    pid_t pid = 0;
    auto [ptr, err] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (err != std::errc() || ptr != name.data() + name.size() || pid <= 0) continue;
    std::ifstream stat(it->path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;  // it has just exited
    if (auto entry = parse_stat(pid, line)) table.push_back(*entry);
  }
  return table;
}

std::optional<std::string> read_environment_variable(const fs::path& proc_root, pid_t pid, const std::string& name) {
  const std::string prefix = name + "=";
  for (const std::string& entry : split_nul(read_whole(proc_root / std::to_string(pid) / "environ")))
    if (entry.starts_with(prefix)) return entry.substr(prefix.size());
  return std::nullopt;
}

pid_t pgo_pid_of_run_marker(const std::string& marker) {
  pid_t pid = 0;
  auto [ptr, err] = std::from_chars(marker.data(), marker.data() + marker.size(), pid);
  if (err != std::errc() || ptr == marker.data() + marker.size() || *ptr != '.' || pid <= 0) return 0;
  return pid;
}

std::vector<TreeWorker> find_processes_working_in(const fs::path& proc_root, const std::vector<fs::path>& trees,
                                                  pid_t self) {
  std::vector<ProcessEntry> table = read_process_table(proc_root);
  std::set<pid_t> relatives = relatives_of(self, table);
  std::vector<TreeWorker> workers;
  for (const auto& p : table) {
    if (!p.running() || relatives.count(p.pid)) continue;
    fs::path dir = proc_root / std::to_string(p.pid);
    std::error_code ec;
    std::string cwd = fs::read_symlink(dir / "cwd", ec).string();
    std::vector<std::string> argv = split_nul(read_whole(dir / "cmdline"));
    bool works_there = false;
    for (const fs::path& tree : trees) {
      works_there = works_there || (!cwd.empty() && is_inside(cwd, tree.string()));
      for (const std::string& argument : argv) works_there = works_there || names_a_path_inside(argument, tree.string());
    }
    if (!works_there) continue;
    std::optional<std::string> marker = read_environment_variable(proc_root, p.pid, kRunMarkerVariable);
    pid_t owner = marker ? pgo_pid_of_run_marker(*marker) : 0;
    workers.push_back({p.pid, p.comm, owner != 0 && owner != self});
  }
  return workers;
}

}  // namespace pgo
