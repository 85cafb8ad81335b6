// Interruption, crashes and concurrency on the real pgo binary (docs/reliability.md,
// "Guarantees" 1-3): SIGINT/SIGTERM at every stage of `pgo build`, SIGKILL of pgo at
// random moments, and two pgo runs in one project.
//
// The test process makes itself a child subreaper, so that whatever pgo leaves running
// (a killed process's orphans included) stays visible as a descendant of the test.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "adapters/gcc/gcda.h"
#include "support/atomic_file.h"
#include "support/hash.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace pgo::e2e {
namespace {

struct Proc {
  pid_t pid = 0, ppid = 0;
  char state = 0;
  std::string comm, cmdline;
};

std::vector<Proc> processes() {
  std::vector<Proc> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    size_t open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    Proc p;
    p.pid = std::stoi(name);
    p.comm = line.substr(open + 1, close - open - 1);
    std::istringstream rest(line.substr(close + 2));
    rest >> p.state >> p.ppid;
    std::ifstream cmd(entry.path() / "cmdline", std::ios::binary);
    std::getline(cmd, p.cmdline, '\xff');
    std::replace(p.cmdline.begin(), p.cmdline.end(), '\0', ' ');
    out.push_back(p);
  }
  return out;
}

// Running (not zombie) processes that descend from this test, or whose command line points
// into `project`.
std::vector<Proc> live_descendants(const fs::path& project) {
  std::vector<Proc> all = processes();
  std::map<pid_t, std::vector<const Proc*>> children;
  for (const auto& p : all) children[p.ppid].push_back(&p);
  std::set<pid_t> seen;
  std::vector<pid_t> todo = {::getpid()};
  while (!todo.empty()) {
    pid_t parent = todo.back();
    todo.pop_back();
    for (const Proc* c : children[parent])
      if (seen.insert(c->pid).second) todo.push_back(c->pid);
  }
  std::vector<Proc> out;
  for (const auto& p : all) {
    if (p.pid == ::getpid() || p.state == 'Z' || p.state == 'X') continue;
    if (seen.count(p.pid) || (!project.empty() && p.cmdline.find(project.string()) != std::string::npos))
      out.push_back(p);
  }
  return out;
}

std::string describe(const std::vector<Proc>& procs) {
  std::string out;
  for (const auto& p : procs)
    out += "\n  " + std::to_string(p.pid) + " [" + p.state + "] " + p.comm + ": " + p.cmdline.substr(0, 200);
  return out;
}

// Reaps the zombies that were reparented to this test (the subreaper).
void reap_orphans() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

// SIGKILLs everything that descends from this test (what a crashed pgo leaves behind),
// and reaps it.
void kill_descendants(const fs::path& project) {
  for (int round = 0; round < 100; ++round) {
    auto live = live_descendants(project);
    if (live.empty()) break;
    for (const auto& p : live) ::kill(p.pid, SIGKILL);
    std::this_thread::sleep_for(10ms);
    reap_orphans();
  }
  reap_orphans();
}

class Subreaper : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0); }
  void TearDown() override {
    reap_orphans();
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  }
};

// `pgo args...` in the background; stdout and stderr go to files the test polls.
class BackgroundPgo {
 public:
  explicit BackgroundPgo(const std::vector<std::string>& args) : dir_(scratch_dir("bg")) {
    std::vector<std::string> argv = {pgo::test_paths::pgo_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    std::string out = (dir_ / "stdout").string(), err = (dir_ / "stderr").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(o, 1);
      ::dup2(e, 2);
      ::execv(cargv[0], cargv.data());
      ::_exit(127);
    }
    started_ = Clock::now();
  }
  ~BackgroundPgo() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  pid_t pid() const { return pid_; }
  std::string err() const { return read_file_if_present(dir_ / "stderr"); }
  std::string out() const { return read_file_if_present(dir_ / "stdout"); }
  double seconds() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }

  bool running() {
    if (reaped_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }

  // Waits until stderr contains `text`; false if pgo ended first or `timeout` passed.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout) {
    auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      if (err().find(text) != std::string::npos) return true;
      if (!running()) return err().find(text) != std::string::npos;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

  // Exit code (128+signal if killed by one); -1 if it did not end within `timeout`.
  int wait(std::chrono::milliseconds timeout) {
    auto until = Clock::now() + timeout;
    while (running() && Clock::now() < until) std::this_thread::sleep_for(5ms);
    return reaped_ ? code_ : -1;
  }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int code_ = -1;
  Clock::time_point started_;
};

// Waits until a running descendant named `comm` exists.
bool wait_for_process(const std::string& comm, BackgroundPgo& pgo, std::chrono::milliseconds timeout) {
  auto until = Clock::now() + timeout;
  while (Clock::now() < until && pgo.running()) {
    for (const auto& p : live_descendants({}))
      if (p.comm == comm) return true;
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

// sha256 of every file under .pgo/profiles, by relative path.
std::map<std::string, std::string> snapshot(const fs::path& profiles) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(profiles))
    out[fs::relative(e.path(), profiles).string()] = e.is_regular_file() ? sha256_file(e.path()) : "dir";
  return out;
}

// Work in progress that an interrupted pgo must not leave behind.
std::vector<std::string> leftovers(const fs::path& store) {
  static const std::regex temporary(R"(\..+\.(tmp\.[0-9]+\.[0-9]+|staging))");
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(store)) {
    std::string name = e.path().filename().string();
    bool merge_scratch = e.path().parent_path().filename() == "merged" &&
                         (name.rfind("incoming", 0) == 0 || name.rfind(".incoming", 0) == 0);
    if (std::regex_match(name, temporary) || merge_scratch) out.push_back(fs::relative(e.path(), store).string());
  }
  return out;
}

void remove_objects(const fs::path& build_dir) {
  for (const auto& e : fs::recursive_directory_iterator(build_dir))
    if (e.path().extension() == ".o") fs::remove(e.path());
}

// SIGINT or SIGTERM at each stage of `pgo build` on the C example, while the stage's
// deepest processes run (compilers that ninja puts in process groups of their own, the
// training program, a merge tool, the benchmarked program): exit 130 within seconds,
// nothing keeps running, the stored profiles are byte-identical, no half-written file is left.
//
// gcc, its gcov-tool and one training workload go through wrappers that, when the
// environment variable PGO_TEST_SLOW names their stage, sleep 30 s inside the stage (the
// compiler only for vm.c of that build): the signal then surely lands while the stage runs,
// and a pgo that waited for its children instead of killing them would take 30 s.
TEST_F(Subreaper, SignalAtEveryStageKillsEverythingAndKeepsTheStore) {
  fs::path project = copy_example("c-cmake");
  fs::path tools = project.parent_path() / "tools";  // pgo takes the gcov-tool beside gcc
  fs::create_directories(tools);
  write_text(tools / "gcc",
             "#!/bin/sh\n"
             "[ -n \"$PGO_TEST_SLOW\" ] && case \"$PWD $*\" in *\"/$PGO_TEST_SLOW \"*vm.c*) sleep 30 ;; esac\n"
             "exec /usr/bin/gcc \"$@\"\n");
  fs::create_symlink("/usr/bin/g++", tools / "g++");
  write_text(tools / "gcov-tool",
             "#!/bin/sh\n"
             "[ \"$PGO_TEST_SLOW $1\" = \"merge merge\" ] && sleep 30\n"
             "exec /usr/bin/gcov-tool \"$@\"\n");
  for (const char* tool : {"gcc", "gcov-tool"}) fs::permissions(tools / tool, fs::perms::owner_all, fs::perm_options::add);
  std::string yaml = read_file(project / "pgo.yaml");
  yaml = std::regex_replace(yaml, std::regex("toolchains: \\[gcc, clang\\]"),
                            "toolchains:\n  - name: gcc\n    cc: " + (tools / "gcc").string() +
                                "\n    cxx: " + (tools / "g++").string());
  yaml.insert(yaml.find("\nbench:") + 1,  // a plain insert: regex_replace would expand $0 and $1
              "  - name: slow\n    bench: false\n"
              "    run: [sh, -c, '\"$0\" \"$1\" 20 >/dev/null; [ \"$PGO_TEST_SLOW\" = train ] && sleep 30; true',"
              " \"${bin:calc}\", \"${project}/scripts/fib.calc\"]\n");
  write_text(project / "pgo.yaml", yaml);

  PgoRun first = run_pgo({"build", "-C", project.string(), "--toolchain", "gcc", "--no-bench"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  fs::path store = project / ".pgo";
  auto before = snapshot(store / "profiles");
  ASSERT_FALSE(before.empty());

  struct Point {
    std::string stage;    // progress line "[gcc] <stage> ..."
    std::string slow;     // PGO_TEST_SLOW
    std::string process;  // a process that must be running when the signal is sent
    int signal;
    std::function<void()> prepare;
  };
  fs::path builds = store / "build" / "gcc";
  std::vector<Point> points = {
      {"detect", "", "cc1", SIGTERM, [&] { fs::remove_all(builds / "baseline"); }},  // a fresh configure
      {"build baseline", "baseline", "sleep", SIGINT, [] {}},
      {"build instrumented", "instrumented", "sleep", SIGTERM, [&] { remove_objects(builds / "instrumented"); }},
      {"train", "train", "sleep", SIGINT, [] {}},
      {"merge", "merge", "sleep", SIGTERM, [] {}},
      {"build optimized", "optimized", "sleep", SIGINT, [&] { remove_objects(builds / "optimized"); }},
      {"bench", "", "calc", SIGTERM, [] {}},
  };
  for (const Point& point : points) {
    SCOPED_TRACE("signal " + std::to_string(point.signal) + " during '" + point.stage + "'");
    point.prepare();
    ::setenv("PGO_TEST_SLOW", point.slow.c_str(), 1);
    BackgroundPgo pgo({"build", "-C", project.string(), "--toolchain", "gcc"});
    ::unsetenv("PGO_TEST_SLOW");
    ASSERT_TRUE(pgo.wait_for("[gcc] " + point.stage, 300s)) << pgo.err();
    ASSERT_TRUE(wait_for_process(point.process, pgo, 120s)) << "no " << point.process << " ran\n" << pgo.err();
    auto sent = Clock::now();
    ::kill(pgo.pid(), point.signal);
    int code = pgo.wait(30s);
    double took = std::chrono::duration<double>(Clock::now() - sent).count();
    EXPECT_EQ(code, 130) << pgo.err();
    EXPECT_LT(took, 5.0) << "pgo took " << took << " s to stop";
    std::printf("[          ] %-18s %s: exit %d after %.0f ms\n", point.stage.c_str(), sigabbrev_np(point.signal), code,
                took * 1000);
    EXPECT_EQ(pgo.err().find("[gcc] " + point.stage + " done"), std::string::npos)
        << "the stage ended before the signal:\n" << pgo.err();
    EXPECT_NE(pgo.err().find(std::string("interrupted by SIG") + sigabbrev_np(point.signal)), std::string::npos)
        << pgo.err();
    // Every process pgo started is dead the moment it has exited (a killed one may be a
    // zombie): pgo waits for that before it exits. No grace period here, or a compiler
    // that pgo failed to kill could finish on its own in the meantime and go unnoticed.
    std::vector<Proc> survivors = live_descendants(project);
    EXPECT_TRUE(survivors.empty()) << "still running after pgo exited:" << describe(survivors);
    kill_descendants(project);
    EXPECT_EQ(snapshot(store / "profiles"), before);
    EXPECT_EQ(leftovers(store), std::vector<std::string>{});
  }
  fs::remove_all(project.parent_path());
}

// A one-file C project; the program's work depends on the number in n.txt, so that runs
// can produce different profiles.
fs::path counting_project() {
  fs::path dir = scratch_dir("tiny") / "tiny";
  fs::create_directories(dir);
  write_text(dir / "CMakeLists.txt",
             "cmake_minimum_required(VERSION 3.16)\nproject(tiny C)\nadd_executable(tiny main.c)\n");
  write_text(dir / "main.c", R"(#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static long work(long n) { long s = 0; for (long i = 0; i < n; ++i) s += (i % 7 == 0) ? i : 1; return s; }
int main(int argc, char** argv) {
  long n = 100000;
  FILE* f = argc > 1 ? fopen(argv[1], "r") : NULL;
  if (f) { if (fscanf(f, "%ld", &n) != 1) n = 100000; fclose(f); }
  if (argc > 2) sleep(atoi(argv[2]));
  printf("%ld\n", work(n));
  return 0;
}
)");
  write_text(dir / "n.txt", "100000\n");
  write_text(dir / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\ntoolchains: [gcc]\nworkloads:\n"
             "  - name: count\n    run: [\"${bin:tiny}\", \"${project}/n.txt\"]\n"
             "  - name: again\n    run: [\"${bin:tiny}\", \"${project}/n.txt\"]\n");
  return dir;
}

// What a reader of the store may find: complete metadata that describes the profile beside
// it (or none), and a profile that parses completely.
void expect_complete_store(const fs::path& profiles) {
  fs::path tree = profiles / "tiny" / "gcc.gcda.d";
  ASSERT_TRUE(fs::is_directory(tree)) << "the stored profile is gone";
  uint64_t total = 0;
  std::vector<GcdaFile> files;
  try {
    files = read_gcda_dir(tree);
  } catch (const std::exception& e) {
    FAIL() << "torn profile: " << e.what();
  }
  ASSERT_FALSE(files.empty());
  for (const auto& f : files) total += f.total();
  fs::path meta = profiles / "tiny" / "gcc.json";
  if (fs::exists(meta)) {
    json j = json::parse(read_file(meta), nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "torn metadata";
    EXPECT_EQ(j["schema"], "pgo-profile/1");
    EXPECT_EQ(j["profile"]["total_count"].get<uint64_t>(), total) << "metadata of another profile";
  }
}

// SIGKILL of pgo at random moments (no handler runs, nothing is cleaned up): the store
// always holds complete files, and the next run recovers.
TEST_F(Subreaper, SigkillAtRandomMomentsNeverTearsTheStore) {
  auto test_start = Clock::now();
  fs::path project = counting_project();
  fs::path profiles = project / ".pgo" / "profiles";
  auto started = Clock::now();
  PgoRun first = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // The second run is incremental: its duration is what the killed runs take.
  write_text(project / "n.txt", "200000\n");
  started = Clock::now();
  PgoRun second = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  long full_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  expect_complete_store(profiles);

  std::mt19937 rng(std::random_device{}());
  int rounds = 0, near_store = 0, missing_metadata = 0;
  while (rounds < 30 && Clock::now() - test_start < 90s) {
    ++rounds;
    write_text(project / "n.txt", std::to_string(100000 + 1000 * rounds) + "\n");
    BackgroundPgo pgo({"build", "-C", project.string(), "--no-bench"});
    if (rounds % 2 == 0) {
      // Around the store stage: its files are written within milliseconds of this line.
      if (pgo.wait_for("[gcc] build optimized", 60s)) ++near_store;
      std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<long>(0, 400000)(rng)));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<long>(0, full_ms)(rng)));
    }
    ::kill(pgo.pid(), SIGKILL);
    pgo.wait(10s);
    kill_descendants(project);  // the machine "restarts": nothing of the old run goes on
    SCOPED_TRACE("round " + std::to_string(rounds) + " after " + pgo.err());
    expect_complete_store(profiles);
    if (!fs::exists(profiles / "tiny" / "gcc.json")) ++missing_metadata;
  }
  std::printf("[          ] %d kills (%d around the store stage); %d left a profile without metadata\n", rounds,
              near_store, missing_metadata);

  // The next run works and clears what the killed ones left.
  PgoRun last = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(last.exit_code, 0) << last.err;
  expect_complete_store(profiles);
  EXPECT_TRUE(fs::exists(profiles / "tiny" / "gcc.json"));
  EXPECT_EQ(leftovers(project / ".pgo"), std::vector<std::string>{});
  fs::remove_all(project.parent_path());
}

// A second pgo in the same project fails at once naming the first one's pid (exit 2); once
// the first is killed outright, its lock is no obstacle.
TEST_F(Subreaper, SecondPgoFailsAtOnceAndAKilledOnesLockIsTakenOver) {
  fs::path project = counting_project();
  // Training sleeps, so the first pgo surely holds the lock while the second starts.
  std::string yaml = read_file(project / "pgo.yaml");
  yaml = std::regex_replace(yaml, std::regex("\"\\$\\{project\\}/n.txt\"\\]"), "\"${project}/n.txt\", \"30\"]");
  write_text(project / "pgo.yaml", yaml);
  BackgroundPgo holder({"build", "-C", project.string(), "--no-bench"});
  ASSERT_TRUE(holder.wait_for("[gcc] detect", 60s)) << holder.err();

  auto start = Clock::now();
  PgoRun second = run_pgo({"build", "-C", project.string(), "--no-bench"});
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_NE(second.err.find("another pgo (pid " + std::to_string(holder.pid()) + ")"), std::string::npos)
      << second.err;
  EXPECT_LT(took, 5.0);
  EXPECT_TRUE(holder.running()) << "the second pgo disturbed the first";

  ::kill(holder.pid(), SIGKILL);
  holder.wait(10s);
  kill_descendants(project);
  EXPECT_EQ(read_file(project / ".pgo" / "lock"), std::to_string(holder.pid()) + "\n");  // stale content
  BackgroundPgo third({"build", "-C", project.string(), "--no-bench"});
  EXPECT_TRUE(third.wait_for("[gcc] detect", 60s)) << third.err();
  EXPECT_EQ(read_file(project / ".pgo" / "lock"), std::to_string(third.pid()) + "\n");
  ::kill(third.pid(), SIGINT);
  EXPECT_EQ(third.wait(30s), 130) << third.err();
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
