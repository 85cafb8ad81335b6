// pgo.yaml: a workload's `service:` and `metric:` (docs/services.md), with errors that name
// file, line and key like the rest of the loader (config.cc).
#include <array>
#include <cmath>
#include <regex>
#include <string_view>
#include <utility>

#include "workloads/config_parts.h"
#include "workloads/expand.h"

namespace pgo {
namespace {

using yaml::element;
using yaml::get_bool;
using yaml::get_duration;
using yaml::get_int;
using yaml::get_list;
using yaml::get_string;
using yaml::MapView;
using yaml::Reader;
using yaml::Value;

std::chrono::milliseconds get_millis(const Reader& r, const Value& v) {
  return std::chrono::milliseconds(std::llround(get_duration(r, v) * 1000));
}

// A command of the service: a list is an argv, a string a /bin/sh -c line.
std::pair<std::vector<std::string>, bool> get_service_command(const Reader& r, const Value& v,
                                                              const BuildSpec& build) {
  if (v.node.IsScalar()) {
    std::string line = get_string(r, v);
    check_placeholders(r, v, line, build, true);
    return {{line}, true};
  }
  if (!v.node.IsSequence() || v.node.size() == 0)
    r.fail(v, "must be a command: a list (the program and its arguments) or a string (a line for /bin/sh -c)");
  std::vector<std::string> argv;
  for (size_t i = 0; i < v.node.size(); ++i) {
    Value e = element(v, i);
    argv.push_back(get_string(r, e, i > 0));
    check_placeholders(r, e, argv.back(), build, true);
  }
  return {argv, false};
}

constexpr std::array<std::pair<std::string_view, int>, 7> kStopSignals = {
    {{"TERM", 15}, {"INT", 2}, {"HUP", 1}, {"QUIT", 3}, {"USR1", 10}, {"USR2", 12}, {"KILL", 9}}};

int get_signal(const Reader& r, const Value& v) {
  std::string name = get_string(r, v);
  std::string bare = name.starts_with("SIG") ? name.substr(3) : name;
  std::vector<std::string> names;
  for (const auto& [known, number] : kStopSignals) {
    if (bare == known) return number;
    names.push_back("SIG" + std::string(known));
  }
  r.fail(v, "unknown signal '" + name + "'" + yaml::did_you_mean("SIG" + bare, names) + "; use one of " +
                yaml::join_list(names));
}

ReadyCheck parse_ready(const Reader& r, const Value& v, const BuildSpec& build) {
  ReadyCheck ready;
  MapView m(r, v, {"tcp", "http", "file", "output", "timeout"});
  static const std::array<std::pair<const char*, ReadyCheck::Kind>, 4> kinds = {
      {{"tcp", ReadyCheck::Kind::Tcp},
       {"http", ReadyCheck::Kind::Http},
       {"file", ReadyCheck::Kind::File},
       {"output", ReadyCheck::Kind::Output}}};
  const Value* chosen = nullptr;
  for (const auto& [key, kind] : kinds) {
    const Value* f = m.find(key);
    if (!f) continue;
    if (chosen) r.fail(*f, "give one readiness check: tcp, http, file or output, not two");
    chosen = f;
    ready.kind = kind;
    ready.target = get_string(r, *f);
    check_placeholders(r, *f, ready.target, build, true);
  }
  if (ready.kind == ReadyCheck::Kind::Http && chosen && !ready.target.starts_with("http://"))
    r.fail(*chosen, "'" + ready.target + "' must be an http:// URL, e.g. http://127.0.0.1:${port}/health");
  if (ready.kind == ReadyCheck::Kind::Output && chosen) {
    try {
      std::regex check(ready.target);
    } catch (const std::regex_error& e) {
      r.fail(*chosen, "'" + ready.target + "' is not a valid regular expression (ECMAScript): " + e.what());
    }
  }
  if (const Value* f = m.find("timeout")) ready.timeout = get_millis(r, *f);
  return ready;
}

LoadCommand parse_load_command(const Reader& r, const Value& v, const BuildSpec& build) {
  LoadCommand load;
  if (!v.node.IsMap()) {
    std::tie(load.argv, load.shell) = get_service_command(r, v, build);
    return load;
  }
  MapView m(r, v, {"run", "repeat"});
  std::tie(load.argv, load.shell) = get_service_command(r, m.require("run"), build);
  if (const Value* f = m.find("repeat")) load.repeat = static_cast<int>(get_int(r, *f, 1));
  return load;
}

}  // namespace

ServiceSpec parse_service(const Reader& r, const Value& v, const BuildSpec& build, WorkloadSpec& w) {
  ServiceSpec service;
  MapView m(r, v, {"run", "ready", "load", "parallel", "stop"});
  std::tie(w.run, w.shell) = get_service_command(r, m.require("run"), build);
  if (const Value* f = m.find("ready")) {
    service.ready = parse_ready(r, *f, build);
  } else {
    bool port = false;
    for (const std::string& arg : w.run)
      port = port || arg.find(kPortPlaceholder) != std::string::npos;
    if (!port)
      r.fail(m.require("run"), "the service does not listen on ${port}, so pgo cannot tell when it is ready; "
                               "add ready: with tcp, http, file or output");
  }
  const Value& load = m.require("load");
  if (get_list(r, load).size() == 0)
    r.fail(load, "needs at least one client command, e.g. [\"${bin:client}\", \"--port\", \"${port}\"]");
  for (size_t i = 0; i < load.node.size(); ++i) service.load.push_back(parse_load_command(r, element(load, i), build));
  if (const Value* f = m.find("parallel")) service.parallel = get_bool(r, *f);
  if (const Value* f = m.find("stop")) {
    MapView stop(r, *f, {"signal", "grace"});
    if (const Value* s = stop.find("signal")) service.stop_signal = get_signal(r, *s);
    if (const Value* g = stop.find("grace")) service.stop_grace = get_millis(r, *g);
  }
  return service;
}

OutputMetric parse_output_metric(const Reader& r, const Value& v) {
  OutputMetric metric;
  metric.pos = {v.mark.line + 1, v.mark.column + 1};
  MapView m(r, v, {"regex", "better", "name"});
  if (const Value* f = m.find("name")) metric.name = get_string(r, *f);
  const Value& regex = m.require("regex");
  metric.regex = get_string(r, regex);
  try {
    std::regex compiled(metric.regex);
    if (compiled.mark_count() < 1)
      r.fail(regex, "'" + metric.regex + "' has no group; put the number in one, e.g. \"Requests/sec: ([0-9.]+)\"");
  } catch (const std::regex_error& e) {
    r.fail(regex, "'" + metric.regex + "' is not a valid regular expression (ECMAScript): " + e.what());
  }
  const Value& better = m.require("better");
  std::string direction = get_string(r, better);
  if (direction != "higher" && direction != "lower")
    r.fail(better, "must be higher (e.g. requests per second) or lower (e.g. latency), got '" + direction + "'");
  metric.higher_is_better = direction == "higher";
  return metric;
}

}  // namespace pgo
