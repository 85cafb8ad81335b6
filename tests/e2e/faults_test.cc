// Faults of training programs, of the environment, and hostile arguments, on the real pgo
// binary with small projects and the real gcc (docs/reliability.md, "Guarantees" 4, 6, 7).
// Failing-workload cases that tests/e2e/cli_errors_test.cc already covers (exit status,
// abort, a smoke run without profile, --keep-going with an exit status) are not repeated.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>
#include <tuple>

#include "support/atomic_file.h"
#include "support/hash.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace pgo::e2e {
namespace {

// The program of the fault projects: its first argument picks a behaviour.
constexpr const char* kFaultyMain = R"C(#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static long work(long n) { long s = 0; for (long i = 0; i < n; ++i) s += (i % 7 == 0) ? i : 1; return s; }
static void write_all(int fd, const char* p, size_t n) {
  while (n > 0) { ssize_t w = write(fd, p, n); if (w <= 0) exit(9); p += w; n -= (size_t)w; }
}
int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "ok";
  if (strcmp(mode, "segv") == 0) { fprintf(stderr, "tiny: about to crash\n"); fflush(stderr); raise(SIGSEGV); }
  if (strcmp(mode, "sleep") == 0) { fprintf(stderr, "tiny: sleeping\n"); fflush(stderr); sleep(60); }
  if (strcmp(mode, "hang") == 0) {
    /* Parent and child ignore SIGTERM and never end; each appends its pid to argv[2]. */
    signal(SIGTERM, SIG_IGN);
    fork();
    FILE* f = fopen(argv[2], "a"); fprintf(f, "%d\n", (int)getpid()); fclose(f);
    for (;;) pause();
  }
  if (strcmp(mode, "quick-exit") == 0) { printf("%ld\n", work(1000)); fflush(stdout); _exit(0); }
  if (strcmp(mode, "flood") == 0) {
    /* 2 GiB on stdout, 32 MiB on stderr, each with a recognisable start and end. */
    static char block[1 << 20];
    memset(block, 'x', sizeof block);
    block[sizeof block - 1] = '\n';
    write_all(1, "flood start\n", 12);
    for (int i = 0; i < 2048; ++i) write_all(1, block, sizeof block);
    write_all(1, "flood end\n", 10);
    write_all(2, "stderr start\n", 13);
    for (int i = 0; i < 32; ++i) write_all(2, block, sizeof block);
    write_all(2, "stderr end\n", 11);
    return 0;
  }
  if (strcmp(mode, "argv") == 0) {
    for (int i = 2; i < argc; ++i) printf("arg=[%s]\n", argv[i]);
    const char* v = getenv("TINY_VAR");
    printf("env=[%s]\n", v ? v : "(unset)");
    char cwd[4096];
    printf("cwd=[%s]\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
    char in[4096];
    size_t n = fread(in, 1, sizeof in - 1, stdin);
    in[n] = 0;
    printf("stdin=[%s]\n", in);
  }
  printf("%ld\n", work(200000));
  return 0;
}
)C";

fs::path faulty_project(const std::string& workloads_yaml, const std::string& dir_name = "tiny",
                        const std::string& target = "tiny") {
  fs::path dir = scratch_dir("faults") / dir_name;
  fs::create_directories(dir);
  write_text(dir / "CMakeLists.txt", "cmake_minimum_required(VERSION 3.16)\nproject(tiny C)\nadd_executable(" +
                                         target + " main.c)\n");
  write_text(dir / "main.c", kFaultyMain);
  write_text(dir / "pgo.yaml", "version: 1\nbuild:\n  system: cmake\ntoolchains: [gcc]\nworkloads:\n" + workloads_yaml);
  return dir;
}

void set_workloads(const fs::path& project, const std::string& workloads_yaml) {
  write_text(project / "pgo.yaml", "version: 1\nbuild:\n  system: cmake\ntoolchains: [gcc]\nworkloads:\n" + workloads_yaml);
}

bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

std::vector<pid_t> read_pids(const fs::path& file) {
  std::vector<pid_t> pids;
  std::ifstream in(file);
  for (pid_t p; in >> p;) pids.push_back(p);
  return pids;
}

// The hang workload's processes are all dead (allowing a moment for SIGKILL to land).
void expect_all_dead(const fs::path& pid_file) {
  std::vector<pid_t> pids = read_pids(pid_file);
  EXPECT_EQ(pids.size(), 2u) << "the hang workload did not start both processes";
  for (pid_t pid : pids) {
    for (int i = 0; i < 100 && alive(pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(alive(pid)) << "pid " << pid << " of the hung workload survived";
    if (alive(pid)) ::kill(pid, SIGKILL);
  }
}

const std::string kMain = "  - name: main\n    run: [\"${bin:tiny}\"]\n";

// Without --keep-going, each kind of training fault stops the build with exit 4 and a
// message that names the workload, shows the command, the status and the stderr tail.
TEST(TrainingFaults, EachKindStopsTheBuildWithCommandStatusAndStderr) {
  fs::path project = faulty_project(kMain);
  fs::path pids = project / "hang.pids";
  struct Case {
    std::string name, workload, status, stderr_line;
  };
  std::vector<Case> cases = {
      {"crash", "  - name: crasher\n    run: [\"${bin:tiny}\", \"segv\"]\n", "killed by signal 11 (SIGSEGV)",
       "tiny: about to crash"},
      {"timeout", "  - name: sleeper\n    run: [\"${bin:tiny}\", \"sleep\"]\n    timeout: 1s\n", "timed out after",
       "tiny: sleeping"},
      {"hang", "  - name: hanger\n    run: [\"${bin:tiny}\", \"hang\", \"" + pids.string() + "\"]\n    timeout: 1s\n",
       "timed out after", ""},
      {"no profile", "  - name: quick\n    run: [\"${bin:tiny}\", \"quick-exit\"]\n",
       "exited normally but wrote no profile", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    set_workloads(project, kMain + c.workload);  // main first: the failing run is not the smoke run
    auto start = Clock::now();
    PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench", "-j", "1"});
    double took = std::chrono::duration<double>(Clock::now() - start).count();
    EXPECT_EQ(run.exit_code, 4) << run.err;
    std::string name = c.workload.substr(c.workload.find("name: ") + 6);
    name = name.substr(0, name.find('\n'));
    EXPECT_NE(run.err.find("training workload '" + name + "' failed: " + c.status), std::string::npos) << run.err;
    std::string mode = c.workload.substr(c.workload.find("\", \"") + 4);
    mode = mode.substr(0, mode.find('"'));
    EXPECT_TRUE(std::regex_search(run.err, std::regex("\\n  \\$ \\S+/tiny " + mode))) << "no command in:\n" << run.err;
    if (!c.stderr_line.empty()) {
      EXPECT_NE(run.err.find("    " + c.stderr_line), std::string::npos) << run.err;
    }
    EXPECT_FALSE(fs::exists(project / ".pgo" / "profiles" / "tiny")) << "a profile was stored";
    EXPECT_LT(took, 120.0);
  }
  expect_all_dead(pids);
  fs::remove_all(project.parent_path());
}

// With --keep-going, every failed run is left out of the profile and listed in the report
// with its command, status and stderr tail; the build goes on and stores a profile.
TEST(TrainingFaults, KeepGoingLeavesEachFailedRunOutAndReportsIt) {
  fs::path project = faulty_project("");
  fs::path pids = project / "hang.pids";
  set_workloads(project, kMain +
                             "  - name: crasher\n    run: [\"${bin:tiny}\", \"segv\"]\n    bench: false\n"
                             "  - name: sleeper\n    run: [\"${bin:tiny}\", \"sleep\"]\n    timeout: 1s\n    bench: false\n"
                             "  - name: hanger\n    run: [\"${bin:tiny}\", \"hang\", \"" + pids.string() +
                             "\"]\n    timeout: 1s\n    bench: false\n"
                             "  - name: quick\n    run: [\"${bin:tiny}\", \"quick-exit\"]\n    bench: false\n");
  PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench", "--keep-going", "--json", "-j", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json report = json::parse(run.out);
  std::map<std::string, json> failures;
  for (const auto& f : report["training_failures"]) failures[f["workload"].get<std::string>()] = f;
  ASSERT_EQ(failures.size(), 4u) << report["training_failures"].dump(2);
  EXPECT_EQ(failures["crasher"]["status"], "killed by signal 11 (SIGSEGV)");
  EXPECT_NE(failures["crasher"]["stderr_tail"].get<std::string>().find("tiny: about to crash"), std::string::npos);
  EXPECT_NE(failures["crasher"]["command"].get<std::string>().find("/tiny segv"), std::string::npos);
  EXPECT_EQ(failures["sleeper"]["status"].get<std::string>().rfind("timed out after", 0), 0u);
  EXPECT_NE(failures["sleeper"]["stderr_tail"].get<std::string>().find("tiny: sleeping"), std::string::npos);
  EXPECT_EQ(failures["hanger"]["status"].get<std::string>().rfind("timed out after", 0), 0u);
  EXPECT_NE(failures["quick"]["status"].get<std::string>().find("wrote no profile"), std::string::npos);
  for (const auto& [name, f] : failures) EXPECT_FALSE(f["command"].get<std::string>().empty()) << name;
  ASSERT_EQ(report["profiles"].size(), 1u);
  EXPECT_TRUE(fs::exists(project / ".pgo" / "profiles" / "tiny" / "gcc.json"));
  EXPECT_NE(run.err.find("warning: training workload 'crasher' failed"), std::string::npos) << run.err;
  expect_all_dead(pids);
  fs::remove_all(project.parent_path());
}

// A training program that prints gigabytes: the run directory keeps a bounded head and the
// tail of each stream, and the build succeeds.
TEST(TrainingFaults, FloodOfOutputIsCapped) {
  fs::path project = faulty_project(kMain + "  - name: flood\n    run: [\"${bin:tiny}\", \"flood\"]\n");
  PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  fs::path run_dir = project / ".pgo" / "runs" / "gcc" / "train" / "flood.1";
  const uintmax_t kBound = (16u << 20) + (64u << 10) + 1024;
  for (const auto& [stream, first, last] : {std::tuple{"stdout", "flood start\n", "flood end\n"},
                                            std::tuple{"stderr", "stderr start\n", "stderr end\n"}}) {
    SCOPED_TRACE(stream);
    fs::path file = run_dir / stream;
    ASSERT_TRUE(fs::exists(file));
    uintmax_t size = fs::file_size(file);
    EXPECT_LE(size, kBound) << "the capture is not bounded";
    std::ifstream in(file, std::ios::binary);
    std::string head(std::string(first).size(), '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    EXPECT_EQ(head, first);
    if (size > 70000) {
      in.seekg(static_cast<std::streamoff>(size - 70000));
      std::string tail(70000, '\0');
      in.read(tail.data(), 70000);
      EXPECT_NE(tail.find("bytes of " + std::string(stream) + " left out here"), std::string::npos);
      EXPECT_EQ(tail.substr(tail.size() - std::string(last).size()), last);
    }
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(run_dir)) EXPECT_FALSE(e.is_fifo(ec)) << e.path() << " left behind";
  EXPECT_TRUE(fs::exists(project / ".pgo" / "profiles" / "tiny" / "gcc.json"));
  fs::remove_all(project.parent_path());
}

// A file where the store's directory belongs: exit 2 at once, naming the place, before any build.
TEST(BadEnvironment, FileInPlaceOfTheStoreFailsAtOnce) {
  fs::path project = faulty_project(kMain);
  write_text(project / ".pgo", "not a directory");
  PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find((project / ".pgo").string()), std::string::npos) << run.err;

  fs::remove(project / ".pgo");
  fs::create_directories(project / ".pgo");
  write_text(project / ".pgo" / "profiles", "not a directory");
  run = run_pgo({"build", "-C", project.string(), "--no-bench"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find((project / ".pgo" / "profiles").string()), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("[gcc] detect"), std::string::npos) << "it should fail before building:\n" << run.err;
  EXPECT_FALSE(fs::exists(project / ".pgo" / "build"));
  fs::remove_all(project.parent_path());
}

// Writes `dir`/filler until the 64 KiB tmpfs mounted there is full.
void fill(const fs::path& dir) {
  std::ofstream filler(dir / "filler", std::ios::binary);
  std::string block(4096, 'f');
  for (int i = 0; i < 64 && filler.write(block.data(), block.size()); ++i) {
  }
}

// With a tiny tmpfs, filled up, as the merge directory of toolchain `tc`, `pgo build` fails
// with exit 3 in the merge stage, naming the directory, and leaves no half-written output.
void expect_full_disk_fails_the_merge(const fs::path& project, const std::string& tc) {
  SCOPED_TRACE(tc);
  fs::path merged = project / ".pgo" / "build" / tc / "merged";
  Mount full("tmpfs", merged, "tmpfs", 0, "size=64k");
  ASSERT_TRUE(full.ok()) << full.error();
  fill(merged);
  PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find(merged.string()), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("[" + tc + "] merge ..."), std::string::npos) << run.err;
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(merged)) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"filler"}) << "half-written merge output left behind";
}

// Issue 15 item 5: the pre-flight check looks at free space too. A store whose reports/
// sit on a full file system fails at once, before building, naming it and what is left.
TEST(BadEnvironment, AFullStoreFileSystemFailsAtOnceAndSaysSo) {
  fs::path project = faulty_project(kMain);
  fs::path reports = project / ".pgo" / "reports";
  fs::create_directories(reports);
  {
    Mount full("tmpfs", reports, "tmpfs", 0, "size=64k");
    if (!full.ok()) GTEST_SKIP() << "cannot mount a tmpfs here: " << full.error();
    fill(reports);
    PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_NE(run.err.find("cannot write to the profile store " + reports.string() + ": no space left on " +
                           reports.string() + " ("),
              std::string::npos)
        << run.err;
    EXPECT_EQ(run.err.find("[gcc] detect"), std::string::npos) << "it should fail before building:\n" << run.err;
  }
  fs::remove_all(project.parent_path());
}

// Issue 15 item 5: training that fills the disk exits 0 with its profiles cut short; that
// read as "empty file, not a gcda file". It is called a full disk, with what is left.
TEST(BadEnvironment, TrainingThatFillsTheDiskIsCalledAFullDisk) {
  fs::path project = faulty_project(kMain);
  fs::path runs = project / ".pgo" / "runs";
  fs::create_directories(runs);
  {
    Mount full("tmpfs", runs, "tmpfs", 0, "size=64k");
    if (!full.ok()) GTEST_SKIP() << "cannot mount a tmpfs here: " << full.error();
    fill(runs);
    PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
    EXPECT_NE(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("no space left on " + runs.string() + " ("), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("not a gcda file"), std::string::npos) << run.err;
  }
  fs::remove_all(project.parent_path());
}

// ... and a build tree on a full disk fails its first step naming the disk, not with the
// compiler's or build tool's empty or cut output alone.
TEST(BadEnvironment, ABuildOnAFullDiskIsCalledAFullDisk) {
  fs::path project = faulty_project(kMain);
  fs::path build = project / ".pgo" / "build";
  fs::create_directories(build);
  {
    Mount full("tmpfs", build, "tmpfs", 0, "size=64k");
    if (!full.ok()) GTEST_SKIP() << "cannot mount a tmpfs here: " << full.error();
    fill(build);
    PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
    EXPECT_NE(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("no space left on " + build.string() + " ("), std::string::npos) << run.err;
  }
  fs::remove_all(project.parent_path());
}

// The hashes of every file of the store.
std::map<std::string, std::string> store_hashes(const fs::path& project) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(project / ".pgo" / "profiles"))
    if (e.is_regular_file()) out[e.path().string()] = sha256_file(e.path());
  return out;
}

// A read-only store (as root, chmod does not stop writes: a read-only bind mount does) and
// a full disk under the merge: clear errors, and the stored profile stays as it was.
TEST(BadEnvironment, ReadOnlyStoreAndFullDiskKeepTheStoredProfile) {
  fs::path project = faulty_project(kMain);
  PgoRun first = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  fs::path profiles = project / ".pgo" / "profiles";
  auto hashes = [&] { return store_hashes(project); };
  auto before = hashes();
  {
    Mount ro(profiles.string(), profiles, nullptr, MS_BIND | MS_RDONLY, "");
    if (!ro.ok()) GTEST_SKIP() << "cannot bind-mount read-only here: " << ro.error();
    PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_NE(run.err.find("cannot write to the profile store " + profiles.string() + ": Read-only file system"),
              std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("[gcc] detect"), std::string::npos) << "it should fail before building:\n" << run.err;
  }
  {
    fs::path store = project / ".pgo";
    Mount ro(store.string(), store, nullptr, MS_BIND | MS_RDONLY, "");
    ASSERT_TRUE(ro.ok()) << ro.error();
    PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_NE(run.err.find((store / "lock").string() + ": Read-only file system"), std::string::npos) << run.err;
  }
  EXPECT_EQ(hashes(), before);
  expect_full_disk_fails_the_merge(project, "gcc");
  EXPECT_EQ(hashes(), before);
  // And with room again, the same project builds.
  PgoRun again = run_pgo({"build", "-C", project.string(), "--no-bench"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  fs::remove_all(project.parent_path());
}

// The same for Clang, whose profile LLVM's writer produces in process (the GCC merge above
// runs gcov-tool): a full disk is a build failure naming the path, and the store is kept.
TEST(BadEnvironment, FullDiskUnderTheClangMergeKeepsTheStoredProfile) {
  fs::path project = faulty_project(kMain);
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\ntoolchains: [clang]\nworkloads:\n" + kMain);
  PgoRun first = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto before = store_hashes(project);
  {
    // Skipped where mounting is not allowed (as the read-only test above).
    fs::path probe_dir = scratch_dir("probe");
    Mount probe("tmpfs", probe_dir, "tmpfs", 0, "size=4k");
    if (!probe.ok()) GTEST_SKIP() << "cannot mount a tmpfs here: " << probe.error();
  }
  expect_full_disk_fails_the_merge(project, "clang");
  EXPECT_EQ(store_hashes(project), before);
  fs::remove_all(project.parent_path());
}

// A toolchain whose compiler is not installed: exit 3 at the detect stage, naming the
// program, the toolchain and the Debian package to install.
TEST(BadEnvironment, MissingCompilerNamesTheDebianPackage) {
  // A PATH with everything of the usual one except clang*.
  fs::path bin = scratch_dir("path") / "bin";
  fs::create_directories(bin);
  for (const char* dir : {"/usr/local/bin", "/usr/bin", "/bin"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (!name.starts_with("clang") && !fs::exists(fs::symlink_status(bin / name)))
        fs::create_symlink(e.path(), bin / name);
    }
  }
  fs::path project = faulty_project(kMain);
  write_text(project / "pgo.yaml",
             "version: 1\nbuild:\n  system: cmake\ntoolchains: [clang]\nworkloads:\n" + kMain);
  std::string old_path = getenv("PATH") ? getenv("PATH") : "";
  setenv("PATH", bin.c_str(), 1);
  PgoRun run = run_pgo({"build", "-C", project.string(), "--no-bench"});
  setenv("PATH", old_path.c_str(), 1);
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("'clang-22' of toolchain 'clang' not found on PATH; install the Debian package "
                         "clang-22 (apt-get install clang-22)"),
            std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("[clang] baseline"), std::string::npos) << "it should fail before building:\n" << run.err;
  fs::remove_all(bin.parent_path());
  fs::remove_all(project.parent_path());
}

// Workload arguments, paths and target names with spaces, quotes, $(), backquotes and
// semicolons reach the program exactly as written; only `shell: true` hands a line to a shell.
TEST(NoShellInjection, ArgumentsPathsAndNamesReachTheProgramVerbatim) {
  const std::string target = "tiny-v2.x+y";
  std::vector<std::string> args = {"a b",     "it's",        "\"double\"", "$(touch pwned1)", "; touch pwned2",
                                   "`touch pwned3`", "$HOME", "*",        "> redirected",   "",
                                   "tab\there", "back\\slash", "&& touch pwned4 ||"};
  fs::path project = faulty_project("", "proj with spaces", target);
  fs::create_directories(project / "sub dir");
  write_text(project / "in put.txt", "stdin; $(touch pwned5)");
  json run = json::array({"${bin:" + target + "}", "argv"});
  for (const auto& a : args) run.push_back(a);
  run.push_back("${project}/in put.txt");
  std::string yaml = "  - name: args\n    run: " + run.dump() + "\n    cwd: \"sub dir\"\n    stdin: \"in put.txt\"\n"
                     "    env: {TINY_VAR: \"$(touch pwned6); `x` 'q'\"}\n"
                     "  - name: shell\n    shell: true\n    run: \"\\\"${bin:" + target + "}\\\" argv $((6*7)) > shell.out\"\n";
  set_workloads(project, yaml);
  PgoRun result = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(result.exit_code, 0) << result.err;

  std::string expected;
  for (const auto& a : args) expected += "arg=[" + a + "]\n";
  expected += "arg=[" + (project / "in put.txt").string() + "]\n";
  expected += "env=[$(touch pwned6); `x` 'q']\n";
  expected += "cwd=[" + fs::canonical(project / "sub dir").string() + "]\n";
  expected += "stdin=[stdin; $(touch pwned5)]\n";
  std::string out = read_file(project / ".pgo" / "runs" / "gcc" / "train" / "args.1" / "stdout");
  EXPECT_EQ(out.substr(0, out.rfind('\n', out.size() - 2) + 1), expected);
  // The shell workload is interpreted by the shell, as asked.
  EXPECT_EQ(read_file(project / "shell.out").substr(0, 9), "arg=[42]\n");
  for (const auto& e : fs::recursive_directory_iterator(project.parent_path()))
    EXPECT_EQ(e.path().filename().string().find("pwned"), std::string::npos) << e.path();
  EXPECT_FALSE(fs::exists(project / "sub dir" / "redirected"));
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
