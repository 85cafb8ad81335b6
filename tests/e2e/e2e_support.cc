#include "tests/e2e/e2e_support.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support/atomic_file.h"
#include "workloads/process.h"
#include "workloads/process_table.h"

namespace fs = std::filesystem;

namespace pgo::e2e {
namespace {

// "name (pid N)" of each running process that `pgo_pid` started (its PGO_RUN marker names
// it) or that runs from / works in `project` (a server that cleared its environment).
std::vector<std::string> processes_left_by(pid_t pgo_pid, const fs::path& project, std::vector<pid_t>* pids) {
  std::set<pid_t> found;
  for (const ProcessEntry& p : read_process_table()) {
    if (!p.running() || p.pid == ::getpid()) continue;
    std::optional<std::string> marker = read_environment_variable("/proc", p.pid, kRunMarkerVariable);
    if (marker && pgo_pid_of_run_marker(*marker) == pgo_pid) found.insert(p.pid);
  }
  for (const TreeWorker& w : find_processes_working_in("/proc", {fs::canonical(project)}, ::getpid()))
    found.insert(w.pid);
  std::vector<std::string> names;
  for (const ProcessEntry& p : read_process_table())
    if (found.count(p.pid) && p.running()) {
      names.push_back(p.comm + " (pid " + std::to_string(p.pid) + ")");
      if (pids) pids->push_back(p.pid);
    }
  return names;
}

// The inodes of the TCP sockets in LISTEN state (/proc/net/tcp and tcp6, state 0A).
std::set<std::string> listening_socket_inodes() {
  std::set<std::string> inodes;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
      if (state == "0A") inodes.insert(inode);
    }
  }
  return inodes;
}

// "name (pid N) listens" for each process whose executable is inside `project` (the built
// servers live in .pgo/build) and holds a listening socket.
std::vector<std::string> listeners_from(const fs::path& project) {
  const std::set<std::string> listening = listening_socket_inodes();
  const std::string root = fs::canonical(project).string() + "/";
  std::vector<std::string> out;
  for (const ProcessEntry& p : read_process_table()) {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/" + std::to_string(p.pid) + "/exe", ec);
    if (ec || !exe.string().starts_with(root)) continue;
    for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(p.pid) + "/fd", ec)) {
      std::string target = fs::read_symlink(fd.path(), ec).string();  // "socket:[12345]"
      if (!ec && target.starts_with("socket:[") &&
          listening.count(target.substr(8, target.size() - 9)))
        out.push_back(p.comm + " (pid " + std::to_string(p.pid) + ") listens");
    }
  }
  return out;
}

}  // namespace

fs::path scratch_dir(const std::string& label) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() /
                 ("pgo-e2e-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" + label);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path copy_example(const std::string& name) {
  fs::path dest = scratch_dir(name) / name;
  fs::path source = pgo::test_paths::source_dir() / "examples" / name;
  fs::create_directories(dest);
  for (const auto& entry : fs::directory_iterator(source)) {
    if (entry.path().filename() == ".pgo" || entry.path().filename().string().rfind("build", 0) == 0) continue;
    fs::copy(entry.path(), dest / entry.path().filename(), fs::copy_options::recursive);
  }
  return dest;
}

void cap_bench_at_min_runs(const fs::path& project) {
  const fs::path yaml = project / "pgo.yaml";
  const std::string text = read_file(yaml);
  const std::regex max_runs("\n  max_runs: [0-9]+\n");
  std::smatch min_runs;
  ASSERT_TRUE(std::regex_search(text, min_runs, std::regex("\n  min_runs: ([0-9]+)\n"))) << yaml << "\n" << text;
  ASSERT_TRUE(std::regex_search(text, max_runs)) << yaml << "\n" << text;
  write_text(yaml, std::regex_replace(text, max_runs, "\n  max_runs: " + min_runs[1].str() + "\n"));
}

fs::path copy_real_project(const std::string& name, std::string* why) {
  std::string command = pgo::test_paths::source_dir().string() + "/scripts/real-projects.sh --dir " + name + " 2>&1";
  std::string out;
  int status = -1;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    status = pclose(p);
  }
  if (why) *why = out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  fs::path source = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);  // after fetch messages
  std::error_code ec;
  if (status != 0 || !fs::is_directory(source, ec)) return {};
  fs::path dest = scratch_dir(name) / name;
  fs::copy(source, dest, fs::copy_options::recursive);
  for (const auto& e : fs::recursive_directory_iterator(dest))  // the module cache's files are read-only
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  return dest;
}

ScopedEnv::ScopedEnv(const char* name, const char* value) : name_(name) {
  if (const char* old = getenv(name)) old_ = old;
  setenv(name, value, 1);
}

ScopedEnv::~ScopedEnv() {
  if (old_) setenv(name_, old_->c_str(), 1);
  else unsetenv(name_);
}

PgoRun run_pgo(const std::vector<std::string>& args, const fs::path& cwd) {
  fs::path dir = scratch_dir("out");
  ProcessSpec spec;
  spec.argv = {pgo::test_paths::pgo_binary()};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  spec.stdout_file = dir / "stdout";
  spec.stderr_file = dir / "stderr";
  spec.timeout = std::chrono::minutes(20);
  SystemProcessRunner runner;
  ProcessResult r = runner.run(spec);
  PgoRun run;
  run.exit_code = r.signal ? 128 + r.signal : r.exit_code;
  run.out = read_file(spec.stdout_file);
  run.err = read_file(spec.stderr_file);
  fs::remove_all(dir);
  return run;
}

TrackedRun run_pgo_tracked(const std::vector<std::string>& args) {
  fs::path dir = scratch_dir("out");
  TrackedRun run;
  run.pid = ::fork();
  if (run.pid == 0) {
    int out = ::open((dir / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open((dir / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(127);
    std::vector<char*> argv = {const_cast<char*>(pgo::test_paths::pgo_binary())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(pgo::test_paths::pgo_binary(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(run.pid, &status, 0);
  run.exit_code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  run.out = read_file(dir / "stdout");
  run.err = read_file(dir / "stderr");
  fs::remove_all(dir);
  return run;
}

void expect_nothing_left_behind(const TrackedRun& run, const fs::path& project) {
  std::vector<pid_t> pids;
  std::vector<std::string> left = processes_left_by(run.pid, project, &pids);
  std::vector<std::string> listeners = listeners_from(project);
  left.insert(left.end(), listeners.begin(), listeners.end());
  EXPECT_TRUE(left.empty()) << "left behind by pgo (pid " << run.pid << "): " << ::testing::PrintToString(left)
                            << "\n" << run.err;
  for (pid_t pid : pids) ::kill(pid, SIGKILL);
}

std::string tool_output(const std::vector<std::string>& argv, const fs::path& cwd,
                        const std::map<std::string, std::string>& env) {
  const fs::path out = scratch_dir("tool") / "out";
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = cwd;
  spec.env = env;
  spec.stdout_file = out;
  spec.stderr_file = out;
  spec.timeout = std::chrono::minutes(10);
  SystemProcessRunner runner;
  ProcessResult r = runner.run(spec);
  std::string text = read_file_if_present(out);
  fs::remove_all(out.parent_path());
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(argv) << ": " << r.describe() << "\n" << text;
  return text;
}

nlohmann::json read_json(const fs::path& file) { return nlohmann::json::parse(read_file(file)); }

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

void replace_once(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = read_file(file);
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << file;
  ASSERT_EQ(text.find(from, at + 1), std::string::npos) << from << " twice in " << file;
  write_text(file, text.replace(at, from.size(), to));
}

nlohmann::json status_profile(const fs::path& project, int expected_exit, const std::vector<std::string>& extra,
                              PgoRun* run) {
  std::vector<std::string> args = {"status", "-C", project.string(), "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  PgoRun r = run_pgo(args);
  if (run) *run = r;
  EXPECT_EQ(r.exit_code, expected_exit) << r.err << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "not JSON: " << r.out;
    return nlohmann::json::object();
  }
  EXPECT_EQ(j["schema"], "pgo-status/1");
  EXPECT_EQ(j["profiles"].size(), 1u) << j.dump(2);
  return j["profiles"].empty() ? nlohmann::json::object() : j["profiles"][0];
}

void expect_measured_result(const nlohmann::json& r, int min_runs) {
  EXPECT_TRUE(r["outputs_match"].get<bool>()) << r["output_mismatch"];
  EXPECT_FALSE(r["failed"].get<bool>()) << r["failure"];
  EXPECT_GE(r["baseline"]["runs"].get<int>(), min_runs);
  EXPECT_GE(r["optimized"]["runs"].get<int>(), min_runs);
  EXPECT_GT(r["baseline"]["median_s"].get<double>(), 0);
  EXPECT_GT(r["optimized"]["median_s"].get<double>(), 0);
}

Mount::Mount(const std::string& source, const fs::path& target, const char* type, unsigned long flags,
             const std::string& options)
    : target_(target) {
  ok_ = ::mount(source.c_str(), target.c_str(), type, flags, options.empty() ? nullptr : options.c_str()) == 0;
  error_ = ok_ ? "" : std::strerror(errno);
  if (ok_ && (flags & MS_BIND) && (flags & MS_RDONLY))  // a bind mount takes MS_RDONLY only on remount
    ok_ = ::mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) == 0;
}

Mount::~Mount() {
  if (mounted()) ::umount2(target_.c_str(), MNT_DETACH);
}

}  // namespace pgo::e2e
