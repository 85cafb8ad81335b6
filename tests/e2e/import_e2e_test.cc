// `pgo import` end to end with the real toolchains (docs/production-profiles.md): a profile
// collected outside pgo — a .profraw of a hand-built instrumented calc (clang-22), a CPU
// profile that the running examples/go-server serves through net/http/pprof under its own
// load (issue 16) — checked,
// kept in the store, built from alone (`--profile imported`) and merged with the training; a
// damaged or wrong-version file leaves the store as it was.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <future>
#include <regex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/atomic_file.h"
#include "support/hash.h"
#include "tests/e2e/e2e_support.h"
#include "workloads/process.h"
#include "workloads/readiness.h"

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

namespace pgo::e2e {
namespace {

// A copy of `file` cut to half its size, as an interrupted download leaves it.
fs::path truncated_copy(const fs::path& file) {
  const fs::path cut = file.parent_path() / ("cut-" + file.filename().string());
  std::string bytes = read_file(file);
  write_file_atomic(cut, bytes.substr(0, bytes.size() / 2));
  return cut;
}

const json& profile_of(const json& report, const std::string& target) {
  for (const json& p : report["profiles"])
    if (p["target"] == target) return p;
  static const json none;
  ADD_FAILURE() << "no profile of " << target << " in the report";
  return none;
}

bool has_stage(const json& report, const std::string& name) {
  for (const json& s : report["stages"])
    if (s["name"] == name) return true;
  return false;
}

TEST(ImportE2e, ClangProfrawOfAHandRunInstrumentedBinaryBuildsAloneAndMergesWithTheTraining) {
  const fs::path project = copy_example("c-cmake");
  const fs::path prod = scratch_dir("import-clang-prod");
  // "Production": calc built instrumented outside pgo, as a release pipeline would, and run.
  tool_output({"cmake", "-S", project.string(), "-B", (prod / "build").string(), "-G", "Ninja", "-DCMAKE_C_COMPILER=clang-22",
       "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_C_FLAGS=-fprofile-generate", "-DCMAKE_EXE_LINKER_FLAGS=-fprofile-generate"},
      prod);
  tool_output({"cmake", "--build", (prod / "build").string()}, prod);
  const fs::path profraw = prod / "calc-prod.profraw";
  tool_output({(prod / "build/calc").string(), (project / "scripts/fib.calc").string(), "27"}, prod,
      {{"LLVM_PROFILE_FILE", profraw.string()}});
  ASSERT_TRUE(fs::exists(profraw));

  // A damaged file: a clear error naming it, exit 2, and nothing in the store.
  const fs::path cut = truncated_copy(profraw);
  PgoRun bad = run_pgo({"import", cut.string(), "--target", "calc", "-C", project.string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr(cut.string()));
  EXPECT_FALSE(fs::exists(project / ".pgo/profiles"));

  PgoRun imported = run_pgo({"import", profraw.string(), "--target", "calc", "-C", project.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("(profraw, clang, weight 1"));
  const json manifest = read_json(project / ".pgo/profiles/calc/imports/clang.json");
  ASSERT_EQ(manifest["imports"].size(), 1u);
  EXPECT_EQ(manifest["imports"][0]["sha256"], sha256_file(profraw));
  EXPECT_EQ(manifest["imports"][0]["version"], "10");  // LLVM 22's raw version

  // Alone: no instrumented build, no training; clang finds every function's profile.
  PgoRun alone = run_pgo({"build", "-C", project.string(), "--toolchain", "clang", "--profile", "imported", "--no-bench",
                          "--json"});
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  json report = json::parse(alone.out);
  const json& p = profile_of(report, "calc");
  EXPECT_EQ(p["profile"]["source"], "imported");
  EXPECT_EQ(p["profile"]["mismatch_warnings"], 0);
  EXPECT_GT(p["profile"]["functions_with_counts"].get<int>(), 10);
  EXPECT_TRUE(p["profile"]["optimized_binary_differs"].get<bool>());
  EXPECT_FALSE(has_stage(report, "build instrumented"));
  EXPECT_FALSE(has_stage(report, "train"));
  json meta = read_json(project / ".pgo/profiles/calc/clang.json");
  ASSERT_EQ(meta["parts"].size(), 1u);
  EXPECT_EQ(meta["parts"][0]["source"], "imported");
  EXPECT_EQ(meta["parts"][0]["file"], profraw.string());
  EXPECT_EQ(meta["parts"][0]["sha256"], sha256_file(profraw));

  // `pgo status` treats it as a trained profile: fresh by the function match, aged from the import.
  PgoRun status_run;
  json s = status_profile(project, 0, {"--toolchain", "clang"}, &status_run);
  EXPECT_EQ(s["stale"], false) << s.dump(2);
  EXPECT_DOUBLE_EQ(s["weighted_match"].get<double>(), 1.0);
  EXPECT_EQ(s["created"], manifest["imports"][0]["imported"]);
  EXPECT_THAT(s["notes"].dump(), HasSubstr("holds imported profile(s): calc-prod.profraw"));

  // By default the training and the import are merged.
  PgoRun both = run_pgo({"build", "-C", project.string(), "--toolchain", "clang", "--no-bench", "--json"});
  ASSERT_EQ(both.exit_code, 0) << both.err;
  report = json::parse(both.out);
  EXPECT_EQ(profile_of(report, "calc")["profile"]["source"], "trained");
  EXPECT_TRUE(has_stage(report, "train"));
  EXPECT_TRUE(has_stage(report, "merge imported"));
  meta = read_json(project / ".pgo/profiles/calc/clang.json");
  ASSERT_EQ(meta["parts"].size(), 2u);
  EXPECT_EQ(meta["parts"][0]["source"], "training");
  EXPECT_EQ(meta["parts"][1]["source"], "imported");
  fs::remove_all(prod);
  fs::remove_all(project.parent_path());
}

// The build setting `-pgo=...` of `go version -m`, or "" if there is none.
std::string pgo_setting(const fs::path& binary) {
  std::smatch m;
  const std::string text = tool_output({"go", "version", "-m", binary.string()}, binary.parent_path());
  if (!std::regex_search(text, m, std::regex("\tbuild\t-pgo=([^\n]*)"))) return "";
  return m[1];
}

// A process the test starts and owns, in a process group of its own: SIGKILLed (group and
// all) and reaped when the guard goes out of scope, a failed ASSERT included, unless stop()
// ended it first. So no server outlives the test, whatever path it takes.
class OwnedProcess {
 public:
  OwnedProcess(const std::vector<std::string>& argv, const fs::path& log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) ::_exit(127);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    if (pid_ > 0) ::setpgid(pid_, pid_);  // also here: the group exists before any kill of it
  }
  ~OwnedProcess() {
    if (pid_ > 0) kill_and_reap();
  }
  OwnedProcess(const OwnedProcess&) = delete;
  OwnedProcess& operator=(const OwnedProcess&) = delete;

  bool running() {
    if (pid_ <= 0) return false;
    if (!exited()) return true;
    kill_and_reap();
    return false;
  }
  // Sends `signal` to the process group and waits up to `grace` for the process to end on
  // its own, then SIGKILLs the group. Returns the wait status; nothing of it is left.
  int stop(int signal, std::chrono::milliseconds grace) {
    if (pid_ <= 0) return status_;
    ::kill(-pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (!exited() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    kill_and_reap();
    return status_;
  }

 private:
  // Whether it has ended, leaving it unreaped: its pid and group id stay reserved, so a kill
  // of the group cannot reach a stranger that reused them.
  bool exited() const {
    siginfo_t info{};
    return ::waitid(P_PID, pid_, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_;
  }
  void kill_and_reap() {
    ::kill(-pid_, SIGKILL);  // a no-op on an ended leader, but not on what it left in its group
    ::waitpid(pid_, &status_, 0);
    pid_ = 0;
  }
  pid_t pid_ = 0;
  int status_ = -1;  // the wait status once reaped
};

// Whether `url` answers 2xx (curl -f) within a couple of seconds.
bool http_ok(const std::string& url) {
  ProcessSpec spec;
  spec.argv = {"curl", "-sf", "--max-time", "2", "-o", "/dev/null", url};
  spec.timeout = std::chrono::seconds(5);
  SystemProcessRunner runner;
  return runner.run(spec).ok();
}

// Polls /healthz until it answers; false when the server exits first or `timeout` passes.
bool wait_until_healthy(OwnedProcess& server, int port, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/healthz";
  while (std::chrono::steady_clock::now() < deadline && server.running()) {
    if (http_ok(url)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Long enough for several hundred samples of the server's request handling on a busy 2-core
// machine (Go samples at 100 Hz of CPU time), short enough to keep the test under ~90 s.
constexpr int kProfileSeconds = 10;

// Issue 16's "done when": the example server, built with plain `go build` as a release would
// build it and run with -pprof, serves a CPU profile of itself under its own load client's
// traffic; `pgo import` takes it and `pgo build --profile imported` builds the optimized
// server from it alone, which `go version -m` shows.
TEST(ImportE2e, GoServerCpuProfileFromNetHttpPprof) {
  const fs::path project = copy_example("go-server");
  const fs::path prod = scratch_dir("import-goserver-prod");
  tool_output({"go", "build", "-o", (prod / "server").string(), "./cmd/server"}, project);
  tool_output({"go", "build", "-o", (prod / "load").string(), "./cmd/load"}, project);
  ASSERT_FALSE(HasFailure());

  const fs::path cpu = prod / "cpu.pprof";
  {
    const int port = pick_free_port();
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    OwnedProcess server({(prod / "server").string(), "-port", std::to_string(port), "-pprof"}, prod / "server.log");
    ASSERT_TRUE(wait_until_healthy(server, port, std::chrono::seconds(30))) << read_file_if_present(prod / "server.log");

    // The profile request blocks for kProfileSeconds; the load client runs meanwhile, one
    // short run after another (a new seed each), until the profile has arrived.
    ProcessSpec fetch;
    fetch.argv = {"curl", "-sSf", "-o", cpu.string(),
                  base + "/debug/pprof/profile?seconds=" + std::to_string(kProfileSeconds)};
    fetch.stderr_file = prod / "curl.log";
    fetch.timeout = std::chrono::seconds(kProfileSeconds + 30);
    std::future<ProcessResult> fetched = std::async(std::launch::async, [&fetch] {
      SystemProcessRunner runner;
      return runner.run(fetch);
    });
    int load_runs = 0;
    while (fetched.wait_for(std::chrono::seconds(0)) != std::future_status::ready && !HasFailure())
      tool_output({(prod / "load").string(), "-port", std::to_string(port), "-requests", "1500", "-mix", "mixed", "-seed",
           std::to_string(++load_runs)},
          prod);
    const ProcessResult fetch_result = fetched.get();
    ASSERT_TRUE(fetch_result.ok()) << fetch_result.describe() << "\n" << read_file_if_present(prod / "curl.log");
    std::cerr << "[import] " << load_runs << " runs of the load client while the profile was taken\n";

    // The server shuts down gracefully on SIGTERM; stop() reaps it either way.
    const int status = server.stop(SIGTERM, std::chrono::seconds(10));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "server wait status " << status << "\n" << read_file_if_present(prod / "server.log");
  }
  ASSERT_TRUE(fs::exists(cpu));

  TrackedRun imported = run_pgo_tracked({"import", cpu.string(), "--target", "server", "-C", project.string()});
  expect_nothing_left_behind(imported, project);
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("(pprof, go, weight 1"));
  const json manifest = read_json(project / ".pgo/profiles/server/imports/go.json");
  ASSERT_EQ(manifest["imports"].size(), 1u);
  EXPECT_EQ(manifest["imports"][0]["sha256"], sha256_file(cpu));
  // A damaged profile is refused naming it, and the store keeps what it had.
  const std::string manifest_before = read_file(project / ".pgo/profiles/server/imports/go.json");
  const fs::path cut = truncated_copy(cpu);
  PgoRun bad = run_pgo({"import", cut.string(), "--target", "server", "-C", project.string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_THAT(bad.err, HasSubstr(cut.string()));
  EXPECT_EQ(read_file(project / ".pgo/profiles/server/imports/go.json"), manifest_before);
  const uint64_t samples = manifest["imports"][0]["total_count"].get<uint64_t>();
  EXPECT_GE(samples, 100u);  // the server was busy, not idle, while it was profiled
  std::cerr << "[import] go-server CPU profile: " << fs::file_size(cpu) << " bytes, " << samples << " samples, "
            << "taken over " << kProfileSeconds << " s\n";

  TrackedRun build =
      run_pgo_tracked({"build", "-C", project.string(), "--profile", "imported", "--no-bench", "--json"});
  expect_nothing_left_behind(build, project);
  ASSERT_EQ(build.exit_code, 0) << build.out << build.err;
  const json report = json::parse(build.out);
  const json& p = profile_of(report, "server");
  EXPECT_EQ(p["profile"]["source"], "imported") << p.dump(2);
  EXPECT_TRUE(p["profile"]["optimized_binary_differs"].get<bool>()) << p.dump(2);
  // The samples are the server's own request handling.
  EXPECT_THAT(p["profile"]["hottest"].dump(), HasSubstr("example.com/go-server/shop.")) << p.dump(2);
  EXPECT_FALSE(has_stage(report, "build instrumented"));
  EXPECT_FALSE(has_stage(report, "train"));
  EXPECT_THAT(build.err, HasSubstr("build instrumented, train: skipped (--profile imported: 1 imported profile(s): "
                                   "cpu.pprof)"));
  const json meta = read_json(project / ".pgo/profiles/server/go.json");
  ASSERT_EQ(meta["parts"].size(), 1u);
  EXPECT_EQ(meta["parts"][0]["source"], "imported");
  EXPECT_EQ(meta["parts"][0]["sha256"], sha256_file(cpu));
  EXPECT_EQ(meta["parts"][0]["toolchain"], "go");

  // The optimized server was built with -pgo= a file holding the imported profile's bytes.
  const std::string used = pgo_setting(project / ".pgo/build/go/optimized/server");
  ASSERT_FALSE(used.empty());
  EXPECT_EQ(sha256_file(used), sha256_file(cpu));
  EXPECT_EQ(sha256_file(project / ".pgo/profiles/server/go.pprof"), sha256_file(cpu));
  fs::remove_all(prod);
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
