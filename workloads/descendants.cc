#include "workloads/descendants.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "workloads/process_table.h"

namespace pgo {
namespace {

constexpr int kRounds = 200;  // of 10 ms: about two seconds
constexpr auto kRoundPause = std::chrono::milliseconds(10);

// The parent of `pid` as /proc/<pid>/stat says, 0 if unknown. Async-signal-safe: no stdio.
pid_t parent_of(const char* pid) {
  char path[64] = "/proc/";
  size_t length = 6;
  for (const char* c = pid; *c && length < sizeof path - 6; ++c) path[length++] = *c;
  std::memcpy(path + length, "/stat", 6);
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[512];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  // "pid (comm) S ppid ...": comm may hold ')', so the state letter follows the last one.
  const char* p = std::strrchr(buf, ')');
  if (!p || p[1] != ' ' || p[2] == '\0' || p[3] != ' ') return 0;
  pid_t ppid = 0;
  for (p += 4; *p >= '0' && *p <= '9'; ++p) ppid = ppid * 10 + (*p - '0');
  return ppid;
}

void reap_if_ended(pid_t pid) {
  while (::waitpid(pid, nullptr, WNOHANG) < 0 && errno == EINTR) {
  }
}

}  // namespace

void kill_session(pid_t sid) {
  for (int round = 0; round < kRounds; ++round) {
    bool found = false;
    for (const ProcessEntry& p : read_process_table())
      if (p.session == sid && p.running()) {
        ::kill(p.pid, SIGKILL);
        found = true;
      }
    if (!found) return;
    std::this_thread::sleep_for(round == 0 ? std::chrono::milliseconds(1) : kRoundPause);
  }
}

void kill_direct_children() {
  int proc = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (proc < 0) return;
  const pid_t self = ::getpid();
  alignas(dirent64) char entries[8192];
  for (ssize_t n; (n = ::getdents64(proc, entries, sizeof entries)) > 0;) {
    for (ssize_t offset = 0; offset < n;) {
      const auto* entry = reinterpret_cast<const dirent64*>(entries + offset);
      offset += entry->d_reclen;
      pid_t pid = 0;
      const char* c = entry->d_name;
      for (; *c >= '0' && *c <= '9'; ++c) pid = pid * 10 + (*c - '0');
      if (*c == '\0' && pid > 0 && parent_of(entry->d_name) == self) ::kill(pid, SIGKILL);
    }
  }
  ::close(proc);
}

bool is_child_subreaper() {
  int on = 0;
  return ::prctl(PR_GET_CHILD_SUBREAPER, &on) == 0 && on != 0;
}

void kill_orphans_of_run(const std::string& run_marker, const std::function<bool(pid_t)>& is_tracked) {
  if (!is_child_subreaper()) return;  // orphans went to another reaper, out of pgo's reach
  const pid_t self = ::getpid(), own_session = ::getsid(0);
  std::vector<pid_t> killed;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<ProcessEntry> table = read_process_table();
    bool found = false;
    for (const ProcessEntry& orphan : table) {
      if (orphan.ppid != self || !orphan.running() || is_tracked(orphan.pid)) continue;
      if (read_environment_variable("/proc", orphan.pid, kRunMarkerVariable) != run_marker) continue;
      found = true;
      ::kill(orphan.pid, SIGKILL);
      killed.push_back(orphan.pid);
      // What stays in a session it leads dies with it, without waiting to be orphaned.
      if (orphan.session == orphan.pid && orphan.session != own_session)
        for (const ProcessEntry& member : table)
          if (member.session == orphan.session && member.running()) ::kill(member.pid, SIGKILL);
    }
    if (!found) break;
    std::this_thread::sleep_for(kRoundPause);
  }
  // SIGKILLed processes are zombies within moments; give each a second to get there.
  for (pid_t pid : killed)
    for (int wait = 0; wait < 100 && ::waitpid(pid, nullptr, WNOHANG) == 0; ++wait)
      std::this_thread::sleep_for(kRoundPause);
}

void reap_orphan_zombies(const std::function<bool(pid_t)>& is_tracked) {
  if (!is_child_subreaper()) return;
  const pid_t self = ::getpid(), own_session = ::getsid(0);
  // A child still in pgo's session is none of the runner's (those lead sessions of their
  // own): a host program's fork, whose status is not the runner's to take.
  for (const ProcessEntry& p : read_process_table())
    if (p.ppid == self && !p.running() && p.session != own_session && !is_tracked(p.pid)) reap_if_ended(p.pid);
}

void kill_and_reap_all_children() {
  const pid_t self = ::getpid(), own_session = ::getsid(0);
  for (int round = 0; round < kRounds; ++round) {
    std::vector<ProcessEntry> table = read_process_table();
    bool any = false;
    for (const ProcessEntry& child : table) {
      if (child.ppid != self) continue;
      any = true;
      if (child.running()) ::kill(child.pid, SIGKILL);
      if (child.session == child.pid && child.session != own_session)
        for (const ProcessEntry& member : table)
          if (member.session == child.session && member.running()) ::kill(member.pid, SIGKILL);
      reap_if_ended(child.pid);
    }
    if (!any) return;
    std::this_thread::sleep_for(round == 0 ? std::chrono::milliseconds(1) : kRoundPause);
  }
}

}  // namespace pgo
