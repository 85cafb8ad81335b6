// pgo.yaml: a workload's service: and metric: keys, read and refused with file, line and key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/error.h"
#include "workloads/config.h"
#include "workloads/expand.h"

namespace pgo {
namespace {

using ::testing::HasSubstr;

const std::string kHead =
    "version: 1\n"
    "toolchains: [gcc]\n"
    "workloads:\n"
    "  - name: kv\n";

Config Parse(const std::string& workload) { return parse_config(kHead + workload, "/p/pgo.yaml"); }

std::string ErrorOf(const std::string& workload) {
  try {
    Parse(workload);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << workload;
  return "";
}

TEST(ServiceConfigTest, ReadsEveryKey) {
  Config c = Parse(
      "    service:\n"
      "      run: [\"${bin:server}\", \"--port\", \"${port}\"]\n"
      "      ready: {http: \"http://127.0.0.1:${port}/health\", timeout: 5s}\n"
      "      load:\n"
      "        - [\"${bin:client}\", \"${port}\"]\n"
      "        - {run: \"client --port ${port} | tail -1\", repeat: 3}\n"
      "      parallel: true\n"
      "      stop: {signal: SIGINT, grace: 2s}\n"
      "    env: {PORT: \"${port}\"}\n"
      "    metric: {regex: \"Requests/sec: ([0-9.]+)\", better: higher}\n");
  const WorkloadSpec& w = c.workloads[0];
  ASSERT_TRUE(w.service);
  EXPECT_EQ(w.run, (std::vector<std::string>{"${bin:server}", "--port", "${port}"}));
  EXPECT_FALSE(w.shell);
  EXPECT_EQ(w.service->ready.kind, ReadyCheck::Kind::Http);
  EXPECT_EQ(w.service->ready.target, "http://127.0.0.1:${port}/health");
  EXPECT_EQ(w.service->ready.timeout, std::chrono::seconds(5));
  ASSERT_EQ(w.service->load.size(), 2u);
  EXPECT_EQ(w.service->load[0].argv, (std::vector<std::string>{"${bin:client}", "${port}"}));
  EXPECT_TRUE(w.service->load[1].shell);
  EXPECT_EQ(w.service->load[1].repeat, 3);
  EXPECT_TRUE(w.service->parallel);
  EXPECT_EQ(w.service->stop_signal, 2);
  EXPECT_EQ(w.service->stop_grace, std::chrono::seconds(2));
  ASSERT_TRUE(w.metric);
  EXPECT_TRUE(w.metric->higher_is_better);
  EXPECT_TRUE(uses_port(w));
  EXPECT_EQ(referenced_targets(w), (std::set<std::string>{"client", "server"}));
}

TEST(ServiceConfigTest, DefaultsToTcpOnThePortAndSigterm) {
  Config c = Parse(
      "    service:\n"
      "      run: [srv, \"${port}\"]\n"
      "      load: [[cli]]\n");
  const ServiceSpec& s = *c.workloads[0].service;
  EXPECT_EQ(s.ready.kind, ReadyCheck::Kind::Tcp);
  EXPECT_EQ(s.ready.target, "${port}");
  EXPECT_EQ(s.stop_signal, 15);
  EXPECT_FALSE(s.parallel);
  EXPECT_FALSE(c.workloads[0].metric);
}

TEST(ServiceConfigTest, RefusesBadInputNamingLineAndKey) {
  EXPECT_THAT(ErrorOf("    service: {run: [srv], load: [[cli]]}\n"),
              HasSubstr("pgo.yaml:5:20: workloads[0].service.run: the service does not listen on ${port}"));
  EXPECT_THAT(ErrorOf("    run: [app, \"${port}\"]\n"),
              HasSubstr("workloads[0].run[1]: ${port} is only for service workloads"));
  EXPECT_THAT(ErrorOf("    run: [app]\n    service: {run: [srv, \"${port}\"], load: [[cli]]}\n"),
              HasSubstr("workloads[0].run: a service workload gives its server's command as service.run"));
  EXPECT_THAT(ErrorOf("    service: {run: [srv, \"${port}\"], load: []}\n"),
              HasSubstr("workloads[0].service.load: needs at least one client command"));
  EXPECT_THAT(ErrorOf("    service: {run: [srv, \"${port}\"], load: [[cli]], stop: {signal: TREM}}\n"),
              HasSubstr("unknown signal 'TREM' (did you mean 'SIGTERM'?)"));
  EXPECT_THAT(ErrorOf("    service: {run: [srv, \"${port}\"], load: [[cli]], ready: {tcp: \"${port}\", file: x}}\n"),
              HasSubstr("give one readiness check"));
  EXPECT_THAT(ErrorOf("    service: {run: [srv, \"${port}\"], load: [[cli]], ready: {http: \"localhost\"}}\n"),
              HasSubstr("must be an http:// URL"));
  EXPECT_THAT(ErrorOf("    service: {run: [srv, \"${port}\"], load: [[cli]]}\n    stdin: in.txt\n"),
              HasSubstr("workloads[0].stdin: a service reads no standard input"));
  EXPECT_THAT(ErrorOf("    run: [app]\n    metric: {regex: \"[0-9]+\", better: higher}\n"),
              HasSubstr("workloads[0].metric.regex: '[0-9]+' has no group"));
  EXPECT_THAT(ErrorOf("    run: [app]\n    metric: {regex: \"(x\", better: higher}\n"),
              HasSubstr("is not a valid regular expression"));
  EXPECT_THAT(ErrorOf("    run: [app]\n    metric: {regex: \"(x)\", better: faster}\n"),
              HasSubstr("workloads[0].metric.better: must be higher"));
}

TEST(ServiceConfigTest, ExpansionKeepsThePortForTheRun) {
  Config c = Parse(
      "    service:\n"
      "      run: [\"${bin:srv}\", \"${port}\"]\n"
      "      ready: {output: \"listening\"}\n"
      "      load: [[\"${bin:cli}\", \"${port}\", \"${project}\"]]\n");
  ExpandContext ctx{"/p", {{"srv", "/b/srv"}, {"cli", "/b/cli"}}, "/r"};
  WorkloadSpec w = expand_workload(c.workloads[0], ctx);
  EXPECT_EQ(w.run, (std::vector<std::string>{"/b/srv", "${port}"}));
  EXPECT_EQ(w.service->load[0].argv, (std::vector<std::string>{"/b/cli", "${port}", "/p"}));
  EXPECT_EQ(substitute_port("a${port}b${port}", "4242"), "a4242b4242");
}

}  // namespace
}  // namespace pgo
