// Service workloads end to end (issue 16): `pgo build` on copies of examples/c-server (gcc,
// clang) and examples/go-server with the real toolchains. The servers are started on a port
// pgo picks, made ready, loaded by their clients and stopped with SIGTERM; kvserver has no
// SIGTERM handler, so its profile exists only through pgo's exit-on-signal preload. After
// every pgo run nothing that pgo started may still run or listen.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"
#include "workloads/process.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

// Short loads: a run takes ~0.1-0.3 s, so both toolchains train and bench in a few minutes.
// Three rounds, the fewest expect_trained_and_measured asks for (the speedups are only printed).
constexpr const char* kCServerConfig = R"yaml(version: 1
build:
  system: cmake
  targets: [kvserver, kvload]
toolchains: [gcc, clang]
workloads:
  - name: read-heavy
    service:
      run: ["${bin:kvserver}", "--port", "${port}"]
      ready:
        tcp: ${port}
        timeout: 20s
      load:
        - ["${bin:kvload}", "--port", "${port}", "--fill", "--mix", "read", "--requests", "100000", "--seed", "1"]
      stop: {signal: SIGTERM, grace: 10s}
    metric: {regex: "Requests/sec: ([0-9.]+)", better: higher, name: requests/s}
    timeout: 2m
  - name: write-heavy
    service:
      run: ["${bin:kvserver}", "--port", "${port}"]
      load:
        - {run: ["${bin:kvload}", "--port", "${port}", "--mix", "write", "--requests", "40000", "--seed", "2"], repeat: 2}
    timeout: 2m
bench:
  warmup: 0
  min_runs: 3
  max_runs: 3
  time_budget: 10s
)yaml";

constexpr const char* kGoServerConfig = R"(version: 1
build:
  system: go
  packages: ["./cmd/server", "./cmd/load"]
workloads:
  - name: shop-mixed
    service:
      run: ["${bin:server}", "-port", "${port}"]
      ready:
        http: "http://127.0.0.1:${port}/healthz"
        timeout: 30s
      load:
        - ["${bin:load}", "-port", "${port}", "-requests", "1500", "-mix", "mixed", "-seed", "1"]
    timeout: 2m
bench:
  warmup: 0
  min_runs: 3
  max_runs: 3
  time_budget: 15s
)";

const json* profile_of(const json& report, const std::string& toolchain, const std::string& target) {
  for (const json& p : report["profiles"])
    if (p["toolchain"] == toolchain && p["target"] == target) return &p;
  return nullptr;
}

// The report of a service build: a profile with counts for `server` per toolchain, no
// training failure, and every benchmarked workload measured with equal client outputs.
void expect_trained_and_measured(const json& report, const std::vector<std::string>& toolchains,
                                 const std::string& server, const std::set<std::string>& workloads) {
  EXPECT_TRUE(report["training_failures"].empty()) << report["training_failures"].dump(2);
  for (const std::string& tc : toolchains) {
    SCOPED_TRACE(tc);
    const json* p = profile_of(report, tc, server);
    ASSERT_NE(p, nullptr) << report["profiles"].dump(2);
    EXPECT_GT((*p)["profile"]["functions_with_counts"].get<int>(), 0) << p->dump(2);
    EXPECT_GT((*p)["profile"]["total_count"].get<int64_t>(), 0) << p->dump(2);
    EXPECT_TRUE((*p)["profile"]["optimized_binary_differs"].get<bool>()) << p->dump(2);
    std::set<std::string> measured;
    for (const json& r : report["results"]) {
      if (r["toolchain"] != tc) continue;
      measured.insert(r["workload"].get<std::string>());
      expect_measured_result(r, 3);
      EXPECT_TRUE(r["speedup"].is_number()) << r.dump(2);
      std::cerr << "[service] " << tc << " " << r["workload"].get<std::string>() << " (" << r["metric"] << "): speedup "
                << r["speedup"] << " CI " << r["speedup_ci95"] << " verdict " << r["verdict"] << "\n";
    }
    EXPECT_EQ(measured, workloads);
  }
}

fs::path c_server_project() {
  fs::path project = copy_example("c-server");
  write_text(project / "pgo.yaml", kCServerConfig);
  return project;
}

TEST(ServiceE2e, CServerWithGccAndClang) {
  fs::path project = c_server_project();
  TrackedRun run = run_pgo_tracked({"build", "-C", project.string()});
  expect_nothing_left_behind(run, project);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  json report = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  expect_trained_and_measured(report, {"gcc", "clang"}, "kvserver", {"read-heavy", "write-heavy"});
  // The terminal report shows the service workloads like any other; read-heavy is measured by
  // the rate its client prints (metric:), write-heavy by the clients' wall time.
  EXPECT_NE(run.out.find("read-heavy"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(" requests/s ± "), std::string::npos) << run.out;
  // The instrumented client (kvload is a project target) wrote its profile into the run
  // directory, not into its working directory, the project.
  for (const auto& entry : fs::recursive_directory_iterator(project)) {
    if (entry.path().string().find("/.pgo/") != std::string::npos) continue;
    const std::string ext = entry.path().extension().string();
    EXPECT_TRUE(ext != ".profraw" && ext != ".gcda") << entry.path();
  }
  for (const json& r : report["results"]) {
    const bool figure = r["workload"] == "read-heavy";
    EXPECT_EQ(r.contains("figure"), figure) << r.dump(2);
    if (figure) EXPECT_EQ(r["figure"]["better"], "higher") << r.dump(2);
    EXPECT_EQ(r["unit"], figure ? "requests/s" : "s") << r.dump(2);
  }
  fs::remove_all(project.parent_path());
}

// The server runs under the instruction counter; the clients are not counted.
TEST(ServiceE2e, CServerWithTheInstructionMetric) {
  fs::path project = copy_example("c-server");
  write_text(project / "pgo.yaml", kCServerConfig);
  replace_once(project / "pgo.yaml", "toolchains: [gcc, clang]", "toolchains: [clang]");
  replace_once(project / "pgo.yaml", "\"--requests\", \"100000\"", "\"--requests\", \"20000\"");
  replace_once(project / "pgo.yaml", "\"--requests\", \"40000\"", "\"--requests\", \"10000\"");
  TrackedRun run = run_pgo_tracked({"build", "-C", project.string(), "--metric", "both"});
  expect_nothing_left_behind(run, project);
  if (run.exit_code == 2 && run.err.find("no instruction counter works here") != std::string::npos)
    GTEST_SKIP() << "no instruction counter: " << run.err;
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  json report = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  std::map<std::string, int> per_metric;
  for (const json& r : report["results"]) {
    per_metric[r["metric"].get<std::string>()]++;
    EXPECT_TRUE(r["speedup"].is_number()) << r.dump(2);
    if (r["metric"] == "instructions") {
      // Counts repeat exactly: the profile's gain on the server shows without noise.
      EXPECT_EQ(r["baseline"]["runs"].get<int>(), 3) << r.dump(2);
      EXPECT_GT(r["baseline"]["median"].get<double>(), 0) << r.dump(2);
      EXPECT_GT(r["speedup"].get<double>(), 1.0) << r.dump(2);
      EXPECT_TRUE(r["outputs_match"].get<bool>()) << r.dump(2);
    } else {
      expect_measured_result(r, 3);
    }
    std::cerr << "[service] clang " << r["workload"].get<std::string>() << " (" << r["metric"] << "): speedup "
              << r["speedup"] << " CI " << r["speedup_ci95"] << " verdict " << r["verdict"] << "\n";
  }
  EXPECT_EQ(per_metric["wall_time"], 2) << report["results"].dump(2);
  EXPECT_EQ(per_metric["instructions"], 2) << report["results"].dump(2);
  fs::remove_all(project.parent_path());
}

// Whether a "Block counts: [5000, 5, 0]" line of `llvm-profdata show --counts` has a count.
bool has_nonzero_count(const std::string& text) {
  std::smatch m;
  std::string rest = text;
  while (std::regex_search(rest, m, std::regex("Block counts: \\[([0-9, ]*)\\]"))) {
    if (std::regex_search(m[1].str(), std::regex("[1-9]"))) return true;
    rest = m.suffix();
  }
  return false;
}

// kvserver ends on SIGTERM, for which it has no handler: the training's profile still holds
// the request handler's counts (clang: read from the stored .profdata; gcc: the stored .gcda
// of protocol.c ran once and counted the hot loops).
TEST(ServiceE2e, SigtermWithoutAHandlerKeepsTheWholeProfile) {
  fs::path project = c_server_project();
  TrackedRun run = run_pgo_tracked({"build", "-C", project.string(), "--no-bench"});
  expect_nothing_left_behind(run, project);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const fs::path profiles = project / ".pgo" / "profiles" / "kvserver";

  std::string clang = tool_output({"llvm-profdata-22", "show", "--counts", "--function=execute_request_line",
                                   (profiles / "clang.profdata").string()});
  EXPECT_NE(clang.find("execute_request_line"), std::string::npos) << clang;
  EXPECT_TRUE(has_nonzero_count(clang)) << clang;
  std::string handlers = tool_output({"llvm-profdata-22", "show", "--counts", "--function=tokenize_line",
                                      (profiles / "clang.profdata").string()});
  EXPECT_TRUE(has_nonzero_count(handlers)) << handlers;

  fs::path protocol_gcda;
  for (const auto& e : fs::recursive_directory_iterator(profiles / "gcc.gcda.d"))
    if (e.path().filename().string().ends_with("protocol.c.gcda")) protocol_gcda = e.path();
  ASSERT_FALSE(protocol_gcda.empty()) << "no .gcda of protocol.c under " << profiles / "gcc.gcda.d";
  std::string gcc = tool_output({"gcov-dump", "-l", protocol_gcda.string()});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(gcc, m, std::regex("runs=([0-9]+), sum_max=([0-9]+)"))) << gcc;
  EXPECT_GE(std::stoll(m[1]), 1) << gcc;
  EXPECT_GT(std::stoll(m[2]), 1000) << gcc;  // a request loop, not start-up code
  fs::remove_all(project.parent_path());
}

// A server that exits before it is ready is a failed workload, reported with its output.
TEST(ServiceE2e, AServerThatNeverGetsReadyFailsWithItsOutput) {
  fs::path project = c_server_project();
  replace_once(project / "pgo.yaml", "run: [\"${bin:kvserver}\", \"--port\", \"${port}\"]\n      ready:",
               "run: [\"${bin:kvserver}\", \"--port\", \"${port}\", \"--no-such-flag\"]\n      ready:");
  TrackedRun run = run_pgo_tracked({"build", "-C", project.string(), "--toolchain", "gcc", "--no-bench"});
  expect_nothing_left_behind(run, project);
  EXPECT_NE(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("kvserver: unknown argument --no-such-flag"), std::string::npos) << run.err;
  fs::remove_all(project.parent_path());
}

TEST(ServiceE2e, GoServer) {
  fs::path project = copy_example("go-server");
  write_text(project / "pgo.yaml", kGoServerConfig);
  TrackedRun run = run_pgo_tracked({"build", "-C", project.string()});
  expect_nothing_left_behind(run, project);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  json report = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  expect_trained_and_measured(report, {"go"}, "server", {"shop-mixed"});
  // The CPU samples are the server's own request handling.
  const json* p = profile_of(report, "go", "server");
  ASSERT_NE(p, nullptr);
  EXPECT_NE((*p)["profile"]["hottest"].dump().find("example.com/go-server/shop."), std::string::npos) << p->dump(2);
  // The optimized server was built with the profile.
  json manifest = read_json(project / ".pgo" / "build" / "go" / "manifest.json");
  const std::string server = manifest["builds"]["optimized"]["executables"]["server"].get<std::string>();
  EXPECT_NE(tool_output({"go", "version", "-m", server}).find("\tbuild\t-pgo="), std::string::npos);
  fs::remove_all(project.parent_path());
}

// A one-file server with a SIGTERM handler of its own (issue 16: say which cases keep the
// profile, and test them): `app serve PORT exit|_exit` ends through exit() or _exit() on
// SIGTERM.
constexpr const char* kHandlerServer = R"c(#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
static int use_exit;
static void on_term(int sig) { (void)sig; if (use_exit) exit(0); _exit(0); }
static long work(long n) { long s = 0; for (long i = 0; i < n; ++i) s += i % 7; return s; }
int main(int argc, char** argv) {
  if (argc < 3) return 2;
  struct sockaddr_in a; memset(&a, 0, sizeof a);
  a.sin_family = AF_INET; a.sin_port = htons((unsigned short)atoi(argv[2]));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  use_exit = argc > 3 && strcmp(argv[3], "exit") == 0;
  signal(SIGTERM, on_term);
  int one = 1; setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(s, (struct sockaddr*)&a, sizeof a) != 0 || listen(s, 8) != 0) return 1;
  for (;;) {
    int c = accept(s, 0, 0); if (c < 0) continue;
    char out[32]; int len = snprintf(out, sizeof out, "%ld\n", work(3000000));
    write(c, out, (size_t)len); close(c);
  }
}
)c";

// Not a project target, so that only the server can write a profile.
constexpr const char* kClient =
    "import socket, sys; print(socket.create_connection(('127.0.0.1', int(sys.argv[1]))).recv(64))";

fs::path handler_server_project(const std::string& how) {
  fs::path dir = scratch_dir("service-handler-" + how) / "app";
  fs::create_directories(dir);
  write_text(dir / "app.c", kHandlerServer);
  write_text(dir / "pgo.yaml", "version: 1\nbuild:\n  system: command\n"
                               "  build: '$CC -O2 $CFLAGS $LDFLAGS -o app app.c'\n"
                               "  artifacts: {app: app}\n"
                               "toolchains: [gcc, clang]\nworkloads:\n  - name: once\n    service:\n"
                               "      run: [\"${bin:app}\", serve, \"${port}\", " + how + "]\n"
                               "      load: [[python3, -c, \"" + std::string(kClient) + "\", \"${port}\"]]\n");
  return dir;
}

TEST(ServiceE2e, AHandlerThatCallsExitKeepsTheProfile) {
  fs::path project = handler_server_project("exit");
  TrackedRun run = run_pgo_tracked({"build", "-C", project.string(), "--no-bench"});
  expect_nothing_left_behind(run, project);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(fs::exists(project / ".pgo" / "profiles" / "app" / "clang.profdata"));
  EXPECT_TRUE(fs::exists(project / ".pgo" / "profiles" / "app" / "gcc.gcda.d"));
  fs::remove_all(project.parent_path());
}

TEST(ServiceE2e, AHandlerThatCallsUnderscoreExitLosesTheProfileAndSaysWhy) {
  fs::path project = handler_server_project("_exit");
  TrackedRun run = run_pgo_tracked({"build", "-C", project.string(), "--no-bench", "--toolchain", "clang"});
  expect_nothing_left_behind(run, project);
  EXPECT_EQ(run.exit_code, 4) << run.out << run.err;
  EXPECT_NE(run.err.find("the service stopped but wrote no profile"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("_exit()"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(project / ".pgo" / "profiles" / "app" / "clang.profdata"));
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
