// Service runs with real processes: a small Python TCP server, shell clients. What the
// runner must guarantee: ${port} everywhere, readiness, clients' output in order, the stop,
// the failures named, and nothing left running.
#include "workloads/service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "support/atomic_file.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

namespace pgo {
namespace {

// Listens on argv[1], writes its pid to argv[2], answers each connection with "pong" and
// prints how many it served when it ends by exit() (SIGTERM is left to the default unless
// argv[3] is "ignore-term").
const char* kServer = R"(import os, signal, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
open(sys.argv[2], "w").write(str(os.getpid()))
if len(sys.argv) > 3 and sys.argv[3] == "ignore-term": signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("listening", flush=True)
while True:
    c, _ = s.accept(); c.sendall(b"pong\n"); c.close()
)";

// Connects to argv[1] and prints what the server said, prefixed with argv[2].
const char* kClient = R"(import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(sys.argv[2], c.makefile().readline().strip())
)";

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-service-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "server.py") << kServer;
    std::ofstream(dir_ / "client.py") << kClient;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A service whose server is server.py on ${port}; `clients` name client.py runs.
  ProcessSpec Service(std::vector<std::string> labels, std::vector<std::string> server_extra = {}) {
    ProcessSpec spec;
    spec.argv = {"python3", (dir_ / "server.py").string(), "${port}", (dir_ / "pid").string()};
    spec.argv.insert(spec.argv.end(), server_extra.begin(), server_extra.end());
    spec.cwd = dir_;
    spec.timeout = 60s;
    spec.stdout_file = dir_ / "out";
    spec.stderr_file = dir_ / "err";
    ServiceRun run;
    run.spec.ready.timeout = 20s;
    for (const std::string& label : labels)
      run.spec.load.push_back(LoadCommand{{"python3", (dir_ / "client.py").string(), "${port}", label}});
    run.spec.stop_grace = 5s;
    spec.service = std::make_shared<ServiceRun>(run);
    return spec;
  }
  ServiceRun& Plan(ProcessSpec& spec) { return const_cast<ServiceRun&>(*spec.service); }

  bool ServerStillRuns() {
    std::string pid = read_file_if_present(dir_ / "pid");
    return !pid.empty() && ::kill(std::stoi(pid), 0) == 0;
  }

  fs::path dir_;
  SystemProcessRunner runner_;
};

TEST_F(ServiceTest, StartsLoadsInOrderAndStops) {
  ProcessSpec spec = Service({"first", "second"});
  ProcessResult r = run_service(runner_, spec);
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(read_file_if_present(dir_ / "out"), "first pong\nsecond pong\n");
  EXPECT_THAT(read_file_if_present(dir_ / "err"), HasSubstr("--- service output ---\nlistening\n"));
  EXPECT_GT(r.wall_s, 0);
  EXPECT_FALSE(ServerStillRuns());
}

TEST_F(ServiceTest, ParallelClientsKeepTheirOrderInTheOutput) {
  ProcessSpec spec = Service({"a", "b", "c"});
  Plan(spec).spec.parallel = true;
  Plan(spec).spec.load[1].repeat = 2;
  ProcessResult r = run_service(runner_, spec);
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(read_file_if_present(dir_ / "out"), "a pong\nb pong\nb pong\nc pong\n");
}

TEST_F(ServiceTest, ThePortReachesClientEnvAndTheRunsOwnReadinessCheck) {
  ProcessSpec spec = Service({});
  Plan(spec).spec.load = {LoadCommand{{"sh -c 'echo $PORT_SEEN'"}, true}};
  Plan(spec).client_env = {{"PORT_SEEN", "port=${port}"}};
  Plan(spec).spec.ready = ReadyCheck{ReadyCheck::Kind::Output, "listen", 20s};
  ASSERT_TRUE(run_service(runner_, spec).ok());
  EXPECT_THAT(read_file_if_present(dir_ / "out"), ::testing::MatchesRegex("port=[0-9]+\n"));
}

TEST_F(ServiceTest, AServerThatExitsBeforeReadyIsReportedWithItsOutput) {
  ProcessSpec spec = Service({"x"});
  spec.argv = {"sh", "-c", "echo cannot bind >&2; exit 3"};
  ProcessResult r = run_service(runner_, spec);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.describe(), HasSubstr("service exited before it was ready: exit status 3"));
  EXPECT_THAT(read_file_if_present(dir_ / "err"), HasSubstr("cannot bind"));
}

TEST_F(ServiceTest, AServerThatNeverGetsReadyTimesOutAndIsKilled) {
  ProcessSpec spec = Service({"x"});
  spec.argv = {"sh", "-c", "echo $$ > pid; exec sleep 60"};
  Plan(spec).spec.ready.timeout = 300ms;
  ProcessResult r = run_service(runner_, spec);
  EXPECT_THAT(r.describe(), HasSubstr("service not ready after"));
  EXPECT_THAT(r.describe(), HasSubstr("TCP port"));
  EXPECT_FALSE(ServerStillRuns());
}

TEST_F(ServiceTest, AFailingClientFailsTheRun) {
  ProcessSpec spec = Service({});
  Plan(spec).spec.load = {LoadCommand{{"sh", "-c", "echo oops >&2; exit 2"}}};
  ProcessResult r = run_service(runner_, spec);
  EXPECT_THAT(r.describe(), HasSubstr("load client load[0] failed: exit status 2"));
  EXPECT_THAT(read_file_if_present(dir_ / "err"), HasSubstr("oops"));
  EXPECT_FALSE(ServerStillRuns());
}

TEST_F(ServiceTest, AServerThatIgnoresTheStopSignalIsKilledAfterTheGrace) {
  ProcessSpec spec = Service({"x"}, {"ignore-term"});
  Plan(spec).spec.stop_grace = 300ms;
  ProcessResult r = run_service(runner_, spec);
  EXPECT_THAT(r.describe(), HasSubstr("service did not stop within 300 ms of SIGTERM"));
  EXPECT_FALSE(ServerStillRuns());
}

// Counting instructions runs the server on valgrind's CPU: the grace it gets is stretched.
TEST_F(ServiceTest, ASlowdownStretchesTheGraceAndTheMessageSaysSo) {
  ProcessSpec spec = Service({"x"}, {"ignore-term"});
  Plan(spec).spec.stop_grace = 150ms;
  Plan(spec).slowdown = 2;
  ProcessResult r = run_service(runner_, spec);
  EXPECT_THAT(r.describe(), HasSubstr("service did not stop within 300 ms of SIGTERM "
                                      "(stop.grace 150 ms, x2 on a simulated CPU)"));
  EXPECT_FALSE(ServerStillRuns());
}

TEST_F(ServiceTest, AServerThatDiesUnderLoadIsReported) {
  ProcessSpec spec = Service({});
  Plan(spec).spec.load = {LoadCommand{{"sh", "-c", "kill -SEGV $(cat pid); sleep 0.5"}}};
  ProcessResult r = run_service(runner_, spec);
  EXPECT_THAT(r.describe(), HasSubstr("service exited under load: killed by signal 11 (SIGSEGV)"));
}

TEST_F(ServiceTest, ThePreloadGoesFirstInLdPreload) {
  std::map<std::string, std::string> env = {{"LD_PRELOAD", "/x/own.so"}};
  preload_library(env, "/pgo/lib.so");
  EXPECT_EQ(env["LD_PRELOAD"], "/pgo/lib.so:/x/own.so");
}

}  // namespace
}  // namespace pgo
