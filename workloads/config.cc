// pgo.yaml v1 loader: the schema. Every error names file:line:column and the dotted key path,
// because a config error is the first thing a new user meets and must point at the exact spot;
// the general reading and reporting is workloads/yaml_reader.h.
#include "workloads/config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "support/error.h"
#include "workloads/expand.h"
#include "workloads/yaml_reader.h"

namespace fs = std::filesystem;

namespace pgo {
namespace {

using yaml::describe;
using yaml::did_you_mean;
using yaml::element;
using yaml::get_bool;
using yaml::get_duration;
using yaml::get_fraction;
using yaml::get_int;
using yaml::get_list;
using yaml::get_number;
using yaml::get_string;
using yaml::get_string_list;
using yaml::join_list;
using yaml::MapView;
using yaml::Reader;
using yaml::scalar;
using yaml::Value;

SourcePos pos_of(const YAML::Mark& m) { return {m.line + 1, m.column + 1}; }

// cwd, stdin and store stay inside the project so that a pgo.yaml cannot read or write
// arbitrary places and the project stays relocatable.
std::string get_project_path(const Reader& r, const Value& v) {
  std::string s = get_string(r, v);
  fs::path p(s);
  if (p.is_absolute())
    r.fail(v, "'" + s + "' is an absolute path; give a path relative to the project directory (where pgo.yaml is)");
  fs::path norm = p.lexically_normal();
  if (!norm.empty() && *norm.begin() == "..")
    r.fail(v, "'" + s + "' leaves the project directory; it must stay inside it");
  return s;
}

const std::vector<std::string> kToolchains = {"gcc", "clang"};

void check_placeholders(const Reader& r, const Value& v, const std::string& text, const BuildSpec& build) {
  std::vector<Placeholder> found;
  try {
    found = scan_placeholders(text);
  } catch (const Error& e) {
    r.fail(v, e.what());
  }
  if (build.targets.empty()) return;  // the executables are known only after configuring
  for (const Placeholder& p : found)
    if (p.kind == Placeholder::Kind::Bin &&
        std::find(build.targets.begin(), build.targets.end(), p.target) == build.targets.end())
      r.fail(v, p.text + " names target '" + p.target + "', which is not in build.targets (" +
                    join_list(build.targets) + ")" + did_you_mean(p.target, build.targets));
}

BuildSpec parse_build(const Reader& r, const Value& v) {
  BuildSpec b;
  MapView m(r, v, {"system", "source_dir", "build_type", "configure_args", "targets"});
  if (const Value* f = m.find("system")) {
    b.system = get_string(r, *f);
    if (b.system != "cmake") {
      bool later = b.system == "cargo" || b.system == "go" || b.system == "command";
      r.fail(*f, "build system '" + b.system + "' is " + (later ? "not supported yet" : "unknown") +
                     did_you_mean(b.system, {"cmake"}) + "; supported: cmake");
    }
  }
  if (const Value* f = m.find("source_dir")) b.source_dir = get_string(r, *f);
  if (const Value* f = m.find("build_type")) b.build_type = get_string(r, *f);
  if (const Value* f = m.find("configure_args")) b.configure_args = get_string_list(r, *f, true);
  if (const Value* f = m.find("targets")) {
    b.targets_pos = pos_of(f->mark);
    b.targets = get_string_list(r, *f, false);
    for (size_t i = 1; i < b.targets.size(); ++i)
      if (std::find(b.targets.begin(), b.targets.begin() + i, b.targets[i]) != b.targets.begin() + i)
        r.fail(element(*f, i), "duplicate target '" + b.targets[i] + "'");
  }
  return b;
}

std::vector<ToolchainSpec> parse_toolchains(const Reader& r, const Value& v) {
  std::vector<ToolchainSpec> out;
  if (get_list(r, v).size() == 0) r.fail(v, "needs at least one toolchain (gcc or clang)");
  for (size_t i = 0; i < v.node.size(); ++i) {
    Value e = element(v, i);
    ToolchainSpec t;
    t.pos = pos_of(e.mark);
    Value name = e;
    if (e.node.IsMap()) {
      MapView m(r, e, {"name", "cc", "cxx"});
      name = m.require("name");
      if (const Value* f = m.find("cc")) t.cc = get_string(r, *f);
      if (const Value* f = m.find("cxx")) t.cxx = get_string(r, *f);
    } else if (!e.node.IsScalar()) {
      r.fail(e, "expected a toolchain name (gcc or clang) or a map {name, cc, cxx}, got " + describe(e.node));
    }
    t.name = get_string(r, name);
    if (std::find(kToolchains.begin(), kToolchains.end(), t.name) == kToolchains.end())
      r.fail(name, "unknown toolchain '" + t.name + "'" + did_you_mean(t.name, kToolchains) +
                       "; supported: gcc, clang");
    for (const ToolchainSpec& prev : out)
      if (prev.name == t.name)
        r.fail(name, "duplicate toolchain '" + t.name + "' (first at line " + std::to_string(prev.pos.line) + ")");
    out.push_back(t);
  }
  return out;
}

bool valid_name(const std::string& s) {
  return !s.empty() && s != "." && s != ".." && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

bool valid_env_name(const std::string& s) {
  return !s.empty() && !std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

WorkloadSpec parse_workload(const Reader& r, const Value& v, const BuildSpec& build) {
  WorkloadSpec w;
  MapView m(r, v, {"name", "run", "shell", "env", "cwd", "stdin", "repeat", "timeout", "weight",
                   "compare_output", "train", "bench"});
  w.pos = pos_of(v.mark);
  const Value& name = m.require("name");
  w.name = get_string(r, name);
  if (!valid_name(w.name))
    r.fail(name, "invalid workload name '" + w.name + "'; use letters, digits, '_', '.' and '-'");
  if (const Value* f = m.find("shell")) w.shell = get_bool(r, *f);
  const Value& run = m.require("run");
  if (w.shell) {
    if (run.node.IsSequence())
      r.fail(run, "with shell: true, run must be one string (a command line for /bin/sh -c), got a list");
    w.run = {get_string(r, run)};
    check_placeholders(r, run, w.run[0], build);
  } else {
    if (run.node.IsScalar())
      r.fail(run, "run is a string but shell is false; write the command as a list, e.g. "
                  "[\"${bin:app}\", \"--flag\"], or set shell: true to run it with /bin/sh -c");
    if (get_list(r, run).size() == 0) r.fail(run, "must not be empty; give the program and its arguments");
    for (size_t i = 0; i < run.node.size(); ++i) {
      Value e = element(run, i);
      w.run.push_back(get_string(r, e, i > 0));  // arguments may be "", the program may not
      check_placeholders(r, e, w.run.back(), build);
    }
  }
  if (const Value* f = m.find("env")) {
    MapView env(r, *f, {});
    for (const auto& [key, val] : env.fields()) {
      if (!valid_env_name(key))
        r.fail(val.key, val.path, "invalid environment variable name '" + key + "'; use letters, digits and '_'");
      w.env[key] = get_string(r, val, true);
      check_placeholders(r, val, w.env[key], build);
    }
  }
  if (const Value* f = m.find("cwd")) w.cwd = get_project_path(r, *f);
  if (const Value* f = m.find("stdin")) w.stdin_file = get_project_path(r, *f);
  if (const Value* f = m.find("repeat")) w.repeat = static_cast<int>(get_int(r, *f, 1));
  if (const Value* f = m.find("timeout"))
    w.timeout = std::chrono::milliseconds(std::llround(get_duration(r, *f) * 1000));
  if (const Value* f = m.find("weight")) {
    w.weight = get_number(r, *f);
    if (w.weight <= 0) r.fail(*f, "must be greater than zero, got " + f->node.Scalar());
  }
  if (const Value* f = m.find("compare_output")) w.compare_output = get_bool(r, *f);
  if (const Value* f = m.find("train")) w.train = get_bool(r, *f);
  if (const Value* f = m.find("bench")) w.bench = get_bool(r, *f);
  if (w.timeout.count() <= 0) r.fail(m.require("timeout"), "must be at least 1ms");
  return w;
}

std::vector<WorkloadSpec> parse_workloads(const Reader& r, const Value& v, const BuildSpec& build) {
  std::vector<WorkloadSpec> out;
  std::vector<int> name_lines;
  if (get_list(r, v).size() == 0) r.fail(v, "needs at least one workload");
  for (size_t i = 0; i < v.node.size(); ++i) {
    Value e = element(v, i);
    out.push_back(parse_workload(r, e, build));
    const YAML::Node name = std::as_const(e.node)["name"];
    for (size_t j = 0; j < name_lines.size(); ++j)
      if (out[j].name == out.back().name)
        r.fail(name.Mark(), e.path + ".name", "duplicate workload name '" + out[j].name + "' (first defined at line " +
                                                  std::to_string(name_lines[j]) + ")");
    name_lines.push_back(name.Mark().line + 1);
  }
  if (std::none_of(out.begin(), out.end(), [](const WorkloadSpec& w) { return w.train; }))
    r.fail(v, "no workload has train: true; at least one is needed to collect a profile");
  return out;
}

BenchSpec parse_bench(const Reader& r, const Value& v) {
  BenchSpec b;
  MapView m(r, v, {"warmup", "min_runs", "max_runs", "time_budget", "target_ci", "noise_threshold"});
  if (const Value* f = m.find("warmup")) b.warmup = static_cast<int>(get_int(r, *f, 0));
  if (const Value* f = m.find("min_runs")) b.min_runs = static_cast<int>(get_int(r, *f, 2));
  if (const Value* f = m.find("max_runs")) b.max_runs = static_cast<int>(get_int(r, *f, 2));
  if (b.max_runs < b.min_runs) {
    const Value* f = m.find("max_runs");
    r.fail(f ? *f : m.require("min_runs"), "max_runs (" + std::to_string(b.max_runs) + ") must be at least min_runs (" +
                                                std::to_string(b.min_runs) + ")");
  }
  if (const Value* f = m.find("time_budget")) b.time_budget_s = get_duration(r, *f);
  if (const Value* f = m.find("target_ci")) b.target_ci = get_fraction(r, *f, false);
  if (const Value* f = m.find("noise_threshold")) b.noise_threshold = get_fraction(r, *f, true);
  return b;
}

MergeSpec parse_merge(const Reader& r, const Value& v) {
  MergeSpec out;
  MapView m(r, v, {"failure_mode"});
  if (const Value* f = m.find("failure_mode")) {
    std::string s = get_string(r, *f);
    for (FailureMode mode : {FailureMode::Any, FailureMode::All, FailureMode::Warn})
      if (s == to_string(mode)) return MergeSpec{mode};
    r.fail(*f, "unknown failure_mode '" + s + "'" + did_you_mean(s, {"any", "all", "warn"}) + "; use any, all or warn");
  }
  return out;
}

Config parse_document(const Reader& r, const YAML::Node& root) {
  Config c;
  Value top = yaml::document(root);
  if (!root.IsMap()) r.fail(top, "expected a map of settings (version, build, toolchains, workloads, ...), got " +
                                     describe(root));
  MapView m(r, top, {"version", "build", "toolchains", "workloads", "bench", "merge", "store"});
  const Value& version = m.require("version");
  std::string vs = scalar(r, version, "the number 1");
  if (vs != "1") r.fail(version, "unsupported version '" + vs + "'; this pgo reads version 1");
  if (const Value* f = m.find("build")) c.build = parse_build(r, *f);
  c.toolchains = parse_toolchains(r, m.require("toolchains"));
  c.workloads = parse_workloads(r, m.require("workloads"), c.build);
  if (const Value* f = m.find("bench")) c.bench = parse_bench(r, *f);
  if (const Value* f = m.find("merge")) c.merge = parse_merge(r, *f);
  if (const Value* f = m.find("store")) {
    std::string s = get_project_path(r, *f);
    fs::path norm = fs::path(s).lexically_normal();
    if (norm == "." || norm == "./" ) r.fail(*f, "must name a subdirectory of the project, not the project itself");
    c.store_dir = s;
  }
  return c;
}

}  // namespace

std::string to_string(FailureMode mode) {
  switch (mode) {
    case FailureMode::Any: return "any";
    case FailureMode::All: return "all";
    case FailureMode::Warn: return "warn";
  }
  return "any";
}

Config parse_config(const std::string& text, const fs::path& file) {
  Reader r(file.string());
  YAML::Node root = r.load_single_document(text);
  if (root.IsNull())
    r.fail(YAML::Mark(), "(document)", "the file is empty; it needs at least version, toolchains and workloads");
  Config c = parse_document(r, root);
  c.file = fs::absolute(file).lexically_normal();
  c.project_dir = c.file.parent_path();
  return c;
}

Config load_config(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw Error(ExitCode::kUsage, "cannot read configuration '" + file.string() + "': no such file");
  if (fs::is_directory(file, ec))
    throw Error(ExitCode::kUsage, "cannot read configuration '" + file.string() + "': it is a directory");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in.is_open() || in.bad())
    throw Error(ExitCode::kUsage, "cannot read configuration '" + file.string() + "': " + std::strerror(errno));
  return parse_config(text.str(), file);
}

}  // namespace pgo
