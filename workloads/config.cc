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
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "support/error.h"
#include "workloads/expand.h"
#include "workloads/config_parts.h"
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

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

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

}  // namespace

void check_placeholders(const Reader& r, const Value& v, const std::string& text, const BuildSpec& build,
                        bool port_allowed) {
  std::vector<Placeholder> found;
  try {
    found = scan_placeholders(text);
  } catch (const Error& e) {
    r.fail(v, e.what());
  }
  for (const Placeholder& p : found)
    if (p.kind == Placeholder::Kind::Port && !port_allowed)
      r.fail(v, "${port} is only for service workloads (a workload with service:), where pgo picks a free port "
                "for each run");
  if (build.targets.empty()) return;  // the executables are known only after configuring
  // Cargo's test and bench binaries (adapters/cargo/cargo_targets.h) are not bins: the
  // adapter finds them in `cargo metadata`.
  auto cargo_harness = [&](const std::string& t) {
    return build.system == "cargo" && ((t.size() > 5 && t.ends_with(".test")) || (t.size() > 6 && t.ends_with(".bench")));
  };
  for (const Placeholder& p : found)
    if (p.kind == Placeholder::Kind::Bin && !cargo_harness(p.target) &&
        std::find(build.targets.begin(), build.targets.end(), p.target) == build.targets.end())
      r.fail(v, p.text + " names target '" + p.target + "', which is not in build.targets (" +
                    join_list(build.targets) + ")" + did_you_mean(p.target, build.targets));
}

namespace {

const std::vector<std::string> kSystems = {"cmake", "cargo", "go", "command"};

std::vector<std::string> unique_list(const Reader& r, const Value& v, const std::string& what) {
  std::vector<std::string> items = get_string_list(r, v, false);
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < items.size(); ++i)
    if (!seen.insert(items[i]).second) r.fail(element(v, i), "duplicate " + what + " '" + items[i] + "'");
  return items;
}

// A list is an argv; a string is a shell line (the user's own build command, so a shell
// is what they expect there; workload commands need an explicit shell: true).
CommandLine get_command(const Reader& r, const Value& v) {
  CommandLine c;
  c.pos = pos_of(v.mark);
  if (v.node.IsScalar()) {
    c.argv = {get_string(r, v)};
    c.shell = true;
    return c;
  }
  if (get_list(r, v).size() == 0) r.fail(v, "must not be empty; give the command as a list or a shell line");
  for (size_t i = 0; i < v.node.size(); ++i) c.argv.push_back(get_string(r, element(v, i), i > 0));
  return c;
}

// Artifact paths stay inside the build tree: pgo copies and compares them.
std::map<std::string, std::string> get_artifacts(const Reader& r, const Value& v) {
  MapView m(r, v, {});
  std::map<std::string, std::string> out;
  for (const auto& [target, val] : m.fields()) {
    std::string path = get_string(r, val);
    fs::path norm = fs::path(path).lexically_normal();
    if (fs::path(path).is_absolute() || (!norm.empty() && *norm.begin() == ".."))
      r.fail(val, "'" + path + "' must be a path relative to the build tree, inside it");
    out[target] = path;
  }
  if (out.empty()) r.fail(v, "needs at least one artifact (target name: path of the executable)");
  return out;
}

BuildSpec parse_build(const Reader& r, const Value& v) {
  BuildSpec b;
  std::string system = "cmake";
  MapView probe(r, v, {});  // the system decides which other keys are valid
  if (const Value* f = probe.find("system")) {
    system = get_string(r, *f);
    b.system_pos = pos_of(f->mark);
    if (std::find(kSystems.begin(), kSystems.end(), system) == kSystems.end())
      r.fail(*f, "unknown build system '" + system + "'" + did_you_mean(system, kSystems) +
                     "; supported: cmake, cargo, go, command");
  }
  b.system = system;
  std::vector<std::string> keys = {"system", "source_dir"};
  if (system == "cmake") keys.insert(keys.end(), {"build_type", "configure_args", "targets"});
  if (system == "cargo") keys.insert(keys.end(), {"package", "bins", "features", "profile", "cargo_args"});
  if (system == "go") keys.insert(keys.end(), {"packages"});
  if (system == "command") keys.insert(keys.end(), {"configure", "build", "artifacts", "copy_source"});
  MapView m(r, v, keys);
  if (const Value* f = m.find("source_dir")) b.source_dir = get_project_path(r, *f);
  if (const Value* f = m.find("build_type")) b.build_type = get_string(r, *f);
  if (const Value* f = m.find("configure_args")) b.configure_args = get_string_list(r, *f, true);
  for (const char* key : {"targets", "bins"})
    if (const Value* f = m.find(key)) {
      b.targets_pos = pos_of(f->mark);
      b.targets = unique_list(r, *f, "target");
    }
  if (const Value* f = m.find("package")) b.package = get_string(r, *f);
  if (const Value* f = m.find("features")) b.features = unique_list(r, *f, "feature");
  if (const Value* f = m.find("profile")) b.profile = get_string(r, *f);
  if (const Value* f = m.find("cargo_args")) {
    b.cargo_args = get_string_list(r, *f, true);
    if (std::string why = cargo_args_problem(b.cargo_args); !why.empty()) r.fail(*f, why);
  }
  if (const Value* f = m.find("packages")) {
    b.targets_pos = pos_of(f->mark);
    b.packages = unique_list(r, *f, "package");
  }
  if (system == "command") {
    if (const Value* f = m.find("configure")) b.configure = get_command(r, *f);
    b.build = get_command(r, m.require("build"));
    const Value& artifacts = m.require("artifacts");
    b.targets_pos = pos_of(artifacts.mark);
    b.artifacts = get_artifacts(r, artifacts);
    for (const auto& [target, path] : b.artifacts) b.targets.push_back(target);
    if (const Value* f = m.find("copy_source")) b.copy_source = get_bool(r, *f);
  }
  return b;
}

// A list of recipe names ("pgo+lto"); which exist is the orchestrator's to say.
std::vector<std::string> get_recipe_list(const Reader& r, const Value& v) {
  std::vector<std::string> out = unique_list(r, v, "recipe");
  if (out.empty()) r.fail(v, "needs at least one recipe (pgo, pgo+lto, pgo+bolt, ..., or all)");
  return out;
}

std::vector<ToolchainSpec> parse_toolchains(const Reader& r, const Value& v, const BuildSpec& build) {
  const std::vector<std::string>& allowed = toolchains_for_system(build.system);
  std::string names = join_list(allowed);
  std::vector<ToolchainSpec> out;
  if (get_list(r, v).size() == 0) r.fail(v, "needs at least one toolchain (" + names + ")");
  for (size_t i = 0; i < v.node.size(); ++i) {
    Value e = element(v, i);
    ToolchainSpec t;
    t.pos = pos_of(e.mark);
    Value name = e;
    if (e.node.IsMap()) {
      MapView m(r, e, {"name", "cc", "cxx", "recipes"});
      name = m.require("name");
      if (const Value* f = m.find("cc")) t.cc = get_string(r, *f);
      if (const Value* f = m.find("cxx")) t.cxx = get_string(r, *f);
      if (const Value* f = m.find("recipes")) {
        t.recipes = get_recipe_list(r, *f);
        t.recipes_pos = pos_of(f->mark);
      }
    } else if (!e.node.IsScalar()) {
      r.fail(e, "expected a toolchain name (" + names + ") or a map {name, cc, cxx, recipes}, got " +
                    describe(e.node));
    }
    t.name = get_string(r, name);
    if (std::find(allowed.begin(), allowed.end(), t.name) == allowed.end()) {
      bool known = t.name == "gcc" || t.name == "clang" || t.name == "rust" || t.name == "go";
      r.fail(name, (known ? "toolchain '" + t.name + "' does not build a " + build.system + " project"
                          : "unknown toolchain '" + t.name + "'" + did_you_mean(t.name, allowed)) +
                       "; build.system " + build.system + " takes: " + names);
    }
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

// `run:` of a plain workload: an argv, or with `shell` one /bin/sh -c line.
std::vector<std::string> parse_run(const Reader& r, const Value& run, bool shell, const BuildSpec& build) {
  if (shell) {
    if (run.node.IsSequence())
      r.fail(run, "with shell: true, run must be one string (a command line for /bin/sh -c), got a list");
    std::string line = get_string(r, run);
    check_placeholders(r, run, line, build);
    return {line};
  }
  if (run.node.IsScalar())
    r.fail(run, "run is a string but shell is false; write the command as a list, e.g. "
                "[\"${bin:app}\", \"--flag\"], or set shell: true to run it with /bin/sh -c");
  if (get_list(r, run).size() == 0) r.fail(run, "must not be empty; give the program and its arguments");
  std::vector<std::string> argv;
  for (size_t i = 0; i < run.node.size(); ++i) {
    Value e = element(run, i);
    argv.push_back(get_string(r, e, i > 0));  // arguments may be "", the program may not
    check_placeholders(r, e, argv.back(), build);
  }
  return argv;
}

WorkloadSpec parse_workload(const Reader& r, const Value& v, const BuildSpec& build) {
  WorkloadSpec w;
  MapView m(r, v, {"name", "run", "service", "shell", "env", "cwd", "stdin", "repeat", "timeout", "weight",
                   "compare_output", "check", "profile", "train", "bench", "metric"});
  w.pos = pos_of(v.mark);
  const Value& name = m.require("name");
  w.name = get_string(r, name);
  if (!valid_name(w.name))
    r.fail(name, "invalid workload name '" + w.name + "'; use letters, digits, '_', '.' and '-'");
  const Value* service = m.find("service");
  if (service) {
    if (const Value* f = m.find("run"))
      r.fail(*f, "a service workload gives its server's command as service.run; leave run out");
    if (const Value* f = m.find("shell"))
      r.fail(*f, "not for a service workload: a string service.run is a /bin/sh -c line, a list an argv");
    if (const Value* f = m.find("stdin")) r.fail(*f, "a service reads no standard input; leave stdin out");
    w.service = parse_service(r, *service, build, w);
  }
  const bool port_allowed = service != nullptr;
  if (!service) {
    if (const Value* f = m.find("shell")) w.shell = get_bool(r, *f);
    w.run = parse_run(r, m.require("run"), w.shell, build);
  }
  if (const Value* f = m.find("env")) {
    MapView env(r, *f, {});
    for (const auto& [key, val] : env.fields()) {
      if (!valid_env_name(key))
        r.fail(val.key, val.path, "invalid environment variable name '" + key + "'; use letters, digits and '_'");
      w.env[key] = get_string(r, val, true);
      check_placeholders(r, val, w.env[key], build, port_allowed);
    }
  }
  if (const Value* f = m.find("cwd")) {
    w.cwd = get_project_path(r, *f);
    w.cwd_key = f->path;
    w.cwd_pos = pos_of(f->mark);
  }
  if (const Value* f = m.find("stdin")) {
    w.stdin_file = get_project_path(r, *f);
    w.stdin_key = f->path;
    w.stdin_pos = pos_of(f->mark);
  }
  if (const Value* f = m.find("repeat")) w.repeat = static_cast<int>(get_int(r, *f, 1));
  if (const Value* f = m.find("timeout"))
    w.timeout = std::chrono::milliseconds(std::llround(get_duration(r, *f) * 1000));
  if (const Value* f = m.find("weight")) {
    w.weight = get_number(r, *f);
    if (w.weight <= 0) r.fail(*f, "must be greater than zero, got " + f->node.Scalar());
    if (w.weight > kMaxWeight)
      r.fail(*f, "must be at most " + number_text(kMaxWeight) + ", got " + f->node.Scalar() +
                     " (weights are relative: the merge tools take them as integers, scaled so the smallest is 1)");
  }
  if (const Value* f = m.find("compare_output")) w.compare_output = get_bool(r, *f);
  if (const Value* f = m.find("check")) {
    // A list is an argv; a string is a shell line, which (as for run) needs shell: true.
    w.check_shell = f->node.IsScalar();
    if (w.check_shell && !w.shell)
      r.fail(*f, "check is a string but shell is false; write the check as a list, e.g. "
                 "[\"cmp\", \"out.txt\", \"${project}/expected.txt\"], or set shell: true to run it with /bin/sh -c");
    if (w.check_shell) {
      w.check = {get_string(r, *f)};
      check_placeholders(r, *f, w.check[0], build);
    } else {
      if (get_list(r, *f).size() == 0)
        r.fail(*f, "must not be empty; give the checking program and its arguments, e.g. "
                   "[\"cmp\", \"out.txt\", \"${project}/expected.txt\"], or leave check out");
      for (size_t i = 0; i < f->node.size(); ++i) {
        Value e = element(*f, i);
        w.check.push_back(get_string(r, e, i > 0));
        check_placeholders(r, e, w.check.back(), build);
      }
    }
  }
  if (const Value* f = m.find("profile")) {
    // A profile the program writes itself (go test -cpuprofile): inside the run directory,
    // so that parallel training runs never share it.
    w.profile = get_string(r, *f);
    fs::path norm = fs::path(w.profile).lexically_normal();
    if (w.profile.empty() || fs::path(w.profile).is_absolute() || *norm.begin() == ".." || norm == ".")
      r.fail(*f, "'" + w.profile + "' must be a file path relative to the run directory, inside it; "
                 "let the program write it through ${run_dir}, e.g. -test.cpuprofile=${run_dir}/cpu.pprof "
                 "with profile: cpu.pprof");
  }
  if (const Value* f = m.find("metric")) w.metric = parse_output_metric(r, *f);
  if (const Value* f = m.find("train")) w.train = get_bool(r, *f);
  if (const Value* f = m.find("bench")) w.bench = get_bool(r, *f);
  if (w.timeout.count() <= 0) r.fail(m.require("timeout"), "must be at least 1ms");
  return w;
}

std::vector<WorkloadSpec> parse_workloads(const Reader& r, const Value& v, const BuildSpec& build) {
  std::vector<WorkloadSpec> out;
  std::unordered_map<std::string, int> name_lines;  // a map, not a scan: loading stays linear
  if (get_list(r, v).size() == 0) r.fail(v, "needs at least one workload");
  for (size_t i = 0, n = v.node.size(); i < n; ++i) {
    r.checkpoint();
    Value e = element(v, i);
    out.push_back(parse_workload(r, e, build));
    const YAML::Node name = std::as_const(e.node)["name"];
    auto [first, unique] = name_lines.emplace(out.back().name, name.Mark().line + 1);
    if (!unique)
      r.fail(name.Mark(), e.path + ".name", "duplicate workload name '" + out.back().name +
                                                "' (first defined at line " + std::to_string(first->second) + ")");
  }
  if (std::none_of(out.begin(), out.end(), [](const WorkloadSpec& w) { return w.train; }))
    r.fail(v, "no workload has train: true; at least one is needed to collect a profile");
  // Relative weights: after scaling the smallest to 1, the largest must stay a small integer.
  size_t lightest = 0, heaviest = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].weight < out[lightest].weight) lightest = i;
    if (out[i].weight > out[heaviest].weight) heaviest = i;
  }
  if (out[heaviest].weight / out[lightest].weight > kMaxWeight) {
    Value e = element(v, heaviest);
    const YAML::Node weight = std::as_const(e.node)["weight"];
    r.fail(weight.Mark(), e.path + ".weight",
           "is more than " + number_text(kMaxWeight) + " times the weight of workload '" + out[lightest].name +
               "' (" + number_text(out[lightest].weight) + "); weights are relative and the merge tools "
               "take them as integers scaled so the smallest is 1, so keep their ratio within " +
               number_text(kMaxWeight));
  }
  return out;
}

BenchSpec parse_bench(const Reader& r, const Value& v) {
  BenchSpec b;
  MapView m(r, v, {"warmup", "min_runs", "max_runs", "time_budget", "target_ci", "noise_threshold", "metric"});
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
  if (const Value* f = m.find("metric")) {
    std::string s = get_string(r, *f);
    if (s == "wall") s = "time";  // the word `pgo bench --metric` used first
    if (s != "time" && s != "instructions" && s != "both")
      r.fail(*f, "unknown metric '" + s + "'" + did_you_mean(s, {"time", "instructions", "both"}) +
                     "; use time, instructions or both");
    b.metric = s;
  }
  return b;
}

OptimizeSpec parse_optimize(const Reader& r, const Value& v) {
  OptimizeSpec out;
  MapView m(r, v, {"recipes"});
  if (const Value* f = m.find("recipes")) {
    out.recipes = get_recipe_list(r, *f);
    out.recipes_pos = pos_of(f->mark);
  }
  return out;
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

StalenessSpec parse_staleness(const Reader& r, const Value& v) {
  StalenessSpec out;
  MapView m(r, v, {"min_weighted_match", "max_age"});
  if (const Value* f = m.find("min_weighted_match")) {
    out.min_weighted_match = get_number(r, *f);
    if (out.min_weighted_match < 0 || out.min_weighted_match > 1)
      r.fail(*f, "must be a share 0 <= x <= 1 (0.9 is 90%), got " + f->node.Scalar());
  }
  if (const Value* f = m.find("max_age")) out.max_age_s = get_duration(r, *f);
  return out;
}

Config parse_document(const Reader& r, const YAML::Node& root) {
  Config c;
  Value top = yaml::document(root);
  if (!root.IsMap()) r.fail(top, "expected a map of settings (version, build, toolchains, workloads, ...), got " +
                                     describe(root));
  MapView m(r, top,
            {"version", "build", "toolchains", "workloads", "bench", "optimize", "merge", "store", "staleness"});
  const Value& version = m.require("version");
  std::string vs = scalar(r, version, "the number 1");
  if (vs != "1") r.fail(version, "unsupported version '" + vs + "'; this pgo reads version 1");
  if (const Value* f = m.find("build")) c.build = parse_build(r, *f);
  if (const Value* f = m.find("toolchains")) {
    c.toolchains = parse_toolchains(r, *f, c.build);
  } else if (c.build.system == "cargo" || c.build.system == "go") {
    c.toolchains = {ToolchainSpec{toolchains_for_system(c.build.system).front(), "", "", {}}};
  } else {
    m.require("toolchains");  // C and C++ projects say which compilers to use
  }
  c.workloads = parse_workloads(r, m.require("workloads"), c.build);
  if (const Value* f = m.find("bench")) c.bench = parse_bench(r, *f);
  if (const Value* f = m.find("optimize")) c.optimize = parse_optimize(r, *f);
  if (const Value* f = m.find("merge")) c.merge = parse_merge(r, *f);
  if (const Value* f = m.find("staleness")) c.staleness = parse_staleness(r, *f);
  if (const Value* f = m.find("store")) {
    std::string s = get_project_path(r, *f);
    fs::path norm = fs::path(s).lexically_normal();
    if (norm == "." || norm == "./" ) r.fail(*f, "must name a subdirectory of the project, not the project itself");
    c.store_dir = s;
  }
  return c;
}

}  // namespace

std::string cargo_args_problem(const std::vector<std::string>& args) {
  // pgo reads cargo's JSON messages, names the bins, the profile, the features and the jobs.
  for (const std::string& a : args)
    for (const char* own : {"--message-format", "--profile", "--release", "--features", "--bin", "--jobs", "-j",
                            "--target-dir", "--manifest-path", "-p", "--package"})
      if (a == own || a.starts_with(std::string(own) + "="))
        return "'" + a + "' is set by pgo (build.profile, build.features, build.bins, build.package, -j); "
               "cargo_args takes the others, such as --locked, --offline or --config";
  return "";
}

const std::vector<std::string>& toolchains_for_system(const std::string& system) {
  static const std::vector<std::string> c_family = {"gcc", "clang"}, rust = {"rust"}, go = {"go"};
  if (system == "cargo") return rust;
  if (system == "go") return go;
  return c_family;
}

Config parse_config(const std::string& text, const fs::path& file, const std::function<void()>& checkpoint) {
  Reader r(file.string(), checkpoint);
  YAML::Node root = r.load_single_document(text);
  if (root.IsNull())
    r.fail(YAML::Mark(), "(document)", "the file is empty; it needs at least version, toolchains and workloads");
  Config c = parse_document(r, root);
  c.file = fs::absolute(file).lexically_normal();
  c.project_dir = c.file.parent_path();
  return c;
}

Config load_config(const fs::path& file, const std::function<void()>& checkpoint) {
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw UsageError("cannot read configuration '" + file.string() + "': no such file (run `pgo init` in the "
                     "project to write one, or name the project with -C DIR or the file with --config FILE)");
  if (fs::is_directory(file, ec))
    throw UsageError("cannot read configuration '" + file.string() + "': it is a directory");
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open())
    throw UsageError("cannot read configuration '" + file.string() + "': " + std::strerror(errno));
  // Read in pieces up to the limit: /dev/zero or a huge file must not end in std::bad_alloc.
  std::string text;
  std::vector<char> piece(1 << 20);
  while (in.read(piece.data(), static_cast<std::streamsize>(piece.size())) || in.gcount() > 0) {
    if (checkpoint) checkpoint();
    text.append(piece.data(), static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes)
      throw UsageError("cannot read configuration '" + file.string() + "': it is larger than " +
                       std::to_string(kMaxConfigBytes >> 20) + " MiB (pgo.yaml is a few KiB; is it the right file?)");
  }
  if (in.bad()) throw UsageError("cannot read configuration '" + file.string() + "': " + std::strerror(errno));
  Config config = parse_config(text, file, checkpoint);
  check_workload_paths(config);
  return config;
}

void check_workload_paths(const Config& config) {
  // `rel` (given at `pos` as `key`) must be a directory (`dir`) or a regular file of the project.
  auto require = [&](const std::string& rel, const std::string& key, const SourcePos& pos, bool dir,
                     const std::string& consequence) {
    std::error_code ec;
    const fs::path path = config.project_dir / rel;
    if (rel.empty() || (dir ? fs::is_directory(path, ec) : fs::is_regular_file(path, ec))) return;
    throw UsageError(config.file.string() + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " +
                     key + ": '" + rel + "' is not a " + (dir ? "directory" : "file") + " of the project (" +
                     path.string() +
                     (fs::exists(path, ec) ? (dir ? " is not a directory)" : " is not a regular file)")
                                           : " does not exist)") +
                     "; " + consequence);
  };
  for (const WorkloadSpec& w : config.workloads) {
    require(w.cwd, w.cwd_key, w.cwd_pos, true, "workload '" + w.name + "' would run elsewhere");
    require(w.stdin_file, w.stdin_key, w.stdin_pos, false,
            "workload '" + w.name + "' reads its standard input from it");
  }
}

}  // namespace pgo
