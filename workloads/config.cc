// pgo.yaml v1 loader. Every error names file:line:column and the dotted key path, because
// a config error is the first thing a new user meets and must point at the exact spot.
#include "workloads/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <strings.h>
#include <fstream>
#include <sstream>
#include <utility>

#include "llvm/ADT/StringRef.h"
#include "support/error.h"
#include "workloads/expand.h"

namespace fs = std::filesystem;

namespace pgo {
namespace {

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string hint(std::string_view word, const std::vector<std::string>& candidates) {
  std::string near = nearest_match(word, candidates);
  return near.empty() ? "" : " (did you mean '" + near + "'?)";
}

std::string describe(const YAML::Node& n) {
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  return "nothing";
}

// One value in the document with where it is and how to name it.
struct Value {
  YAML::Node node;
  YAML::Mark mark;   // of the value, or of its key when the value is empty (null)
  std::string path;  // "workloads[2].timeout"
  YAML::Mark key;    // of its key (of itself in a list)
};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Mark& m, const std::string& path, const std::string& what) const {
    std::ostringstream out;
    out << file_ << ':' << std::max(m.line, 0) + 1 << ':' << std::max(m.column, 0) + 1 << ": "
        << (path.empty() ? "(document)" : path) << ": " << what;
    throw Error(ExitCode::kUsage, out.str());
  }
  [[noreturn]] void fail(const Value& v, const std::string& what) const { fail(v.mark, v.path, what); }

 private:
  std::string file_;
};

SourcePos pos_of(const YAML::Mark& m) { return {m.line + 1, m.column + 1}; }

// A map whose keys have been checked: all known, no duplicates.
class MapView {
 public:
  // An empty `allowed` means free-form keys (env).
  MapView(const Reader& r, const Value& v, const std::vector<std::string>& allowed) : r_(r), self_(v) {
    if (v.node.IsNull()) r.fail(v, "has no value (expected a map)");
    if (!v.node.IsMap())
      r.fail(v, "expected a map" + (allowed.empty() ? "" : " with keys " + join_list(allowed)) + ", got " +
                    describe(v.node));
    for (auto it = v.node.begin(); it != v.node.end(); ++it) {
      const YAML::Node& k = it->first;
      std::string path = v.path.empty() ? "" : v.path + ".";
      if (!k.IsScalar()) r.fail(k.Mark(), v.path, "keys must be plain strings, got " + describe(k));
      const std::string& key = k.Scalar();
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string near = nearest_match(key, allowed);
        r.fail(k.Mark(), path + key,
               "unknown key '" + key + "'" +
                   (near.empty() ? "; valid keys: " + join_list(allowed) : " (did you mean '" + near + "'?)"));
      }
      for (const auto& [seen, f] : fields_)
        if (seen == key)
          r.fail(k.Mark(), path + key,
                 "duplicate key '" + key + "' (first at line " + std::to_string(f.key.line + 1) + ")");
      YAML::Mark m = it->second.IsNull() ? k.Mark() : it->second.Mark();
      fields_.emplace_back(key, Value{it->second, m, path + key, k.Mark()});
    }
  }
  const Value* find(std::string_view key) const {
    for (const auto& [k, v] : fields_)
      if (k == key) return &v;
    return nullptr;
  }
  // A missing required key is reported at the map that should hold it.
  const Value& require(const std::string& key) const {
    if (const Value* v = find(key)) return *v;
    r_.fail(self_.mark, self_.path.empty() ? key : self_.path + "." + key, "required key '" + key + "' is missing");
  }
  const std::vector<std::pair<std::string, Value>>& fields() const { return fields_; }

 private:
  const Reader& r_;
  Value self_;
  std::vector<std::pair<std::string, Value>> fields_;
};

std::string scalar(const Reader& r, const Value& v, const char* expected) {
  if (v.node.IsNull()) r.fail(v, "has no value (expected " + std::string(expected) + ")");
  if (!v.node.IsScalar()) r.fail(v, std::string("expected ") + expected + ", got " + describe(v.node));
  return v.node.Scalar();
}

std::string get_string(const Reader& r, const Value& v, bool allow_empty = false) {
  std::string s = scalar(r, v, "a string");
  if (!allow_empty && s.empty()) r.fail(v, "must not be empty");
  return s;
}

long long get_int(const Reader& r, const Value& v, long long min) {
  std::string s = scalar(r, v, "an integer");
  long long out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty())
    r.fail(v, "expected an integer, got '" + s + "'");
  if (out < min) r.fail(v, "must be at least " + std::to_string(min) + ", got " + s);
  if (out > 1000000000) r.fail(v, "is too large: " + s);
  return out;
}

double get_number(const Reader& r, const Value& v) {
  std::string s = scalar(r, v, "a number");
  double out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || !std::isfinite(out))
    r.fail(v, "expected a number, got '" + s + "'");
  return out;
}

// Only true/false: YAML 1.1's yes/no/on/off are refused because "no" as a country code or
// "on" as a word silently turning into a bool is a classic YAML trap.
bool get_bool(const Reader& r, const Value& v) {
  std::string s = scalar(r, v, "true or false");
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  for (const char* yaml11 : {"yes", "no", "on", "off", "y", "n"})
    if (strcasecmp(s.c_str(), yaml11) == 0) r.fail(v, "'" + s + "' is not accepted as a boolean here; write true or false");
  r.fail(v, "expected true or false, got '" + s + "'");
}

double get_duration(const Reader& r, const Value& v) {
  std::string s = scalar(r, v, "a duration");
  std::optional<double> d = parse_duration_seconds(s);
  if (!d && s.starts_with('-')) r.fail(v, "must not be negative, got '" + s + "'");
  if (!d)
    r.fail(v, "invalid duration '" + s + "'; write seconds (30, 2.5) or a number with a unit ms, s, m or h "
              "(500ms, 30s, 10m, 1.5h)");
  if (*d <= 0) r.fail(v, "must be greater than zero, got '" + s + "'");
  if (*d > 1e8) r.fail(v, "is too large: '" + s + "'");
  return *d;
}

const YAML::Node& get_list(const Reader& r, const Value& v) {
  if (v.node.IsNull()) r.fail(v, "has no value (expected a list)");
  if (!v.node.IsSequence()) r.fail(v, "expected a list, got " + describe(v.node));
  return v.node;
}

Value element(const Value& list, size_t i) {
  const YAML::Node& n = list.node[i];
  return {n, n.Mark(), list.path + "[" + std::to_string(i) + "]", n.Mark()};
}

std::vector<std::string> get_string_list(const Reader& r, const Value& v, bool allow_empty_items) {
  std::vector<std::string> out;
  for (size_t i = 0; i < get_list(r, v).size(); ++i) out.push_back(get_string(r, element(v, i), allow_empty_items));
  return out;
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
                    join_list(build.targets) + ")" + hint(p.target, build.targets));
}

BuildSpec parse_build(const Reader& r, const Value& v) {
  BuildSpec b;
  MapView m(r, v, {"system", "source_dir", "build_type", "configure_args", "targets"});
  if (const Value* f = m.find("system")) {
    b.system = get_string(r, *f);
    if (b.system != "cmake") {
      bool later = b.system == "cargo" || b.system == "go" || b.system == "command";
      r.fail(*f, "build system '" + b.system + "' is " + (later ? "not supported yet" : "unknown") +
                     hint(b.system, {"cmake"}) + "; supported: cmake");
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
      r.fail(name, "unknown toolchain '" + t.name + "'" + hint(t.name, kToolchains) + "; supported: gcc, clang");
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

double fraction(const Reader& r, const Value& v, bool allow_zero) {
  double x = get_number(r, v);
  if (x < 0 || (x == 0 && !allow_zero) || x >= 1)
    r.fail(v, std::string("must be a fraction ") + (allow_zero ? "0 <= x < 1" : "0 < x < 1") + " (0.01 is 1%), got " +
                  v.node.Scalar());
  return x;
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
  if (const Value* f = m.find("target_ci")) b.target_ci = fraction(r, *f, false);
  if (const Value* f = m.find("noise_threshold")) b.noise_threshold = fraction(r, *f, true);
  return b;
}

MergeSpec parse_merge(const Reader& r, const Value& v) {
  MergeSpec out;
  MapView m(r, v, {"failure_mode"});
  if (const Value* f = m.find("failure_mode")) {
    std::string s = get_string(r, *f);
    for (FailureMode mode : {FailureMode::Any, FailureMode::All, FailureMode::Warn})
      if (s == to_string(mode)) return MergeSpec{mode};
    r.fail(*f, "unknown failure_mode '" + s + "'" + hint(s, {"any", "all", "warn"}) + "; use any, all or warn");
  }
  return out;
}

Config parse_document(const Reader& r, const YAML::Node& root) {
  Config c;
  Value top{root, root.Mark(), "", root.Mark()};
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

std::optional<double> parse_duration_seconds(std::string_view text) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {{"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600}};
  double scale = 1;
  for (const auto& [unit, factor] : kUnits)  // "ms" before "m"/"s": the longer suffix wins
    if (text.size() > unit.size() && text.ends_with(unit)) {
      text.remove_suffix(unit.size());
      scale = factor;
      break;
    }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < 0)
    return std::nullopt;
  return value * scale;
}

std::string nearest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // Allow about one edit per three characters: catches typos, not unrelated words.
  unsigned limit = static_cast<unsigned>(std::max<size_t>(1, (word.size() + 2) / 3));
  std::string best;
  unsigned best_distance = limit + 1;
  for (const std::string& c : candidates) {
    unsigned d = llvm::StringRef(word.data(), word.size()).edit_distance(c, true, limit + 1);
    if (d < best_distance) best_distance = d, best = c;
  }
  return best_distance <= limit ? best : std::string();
}

Config parse_config(const std::string& text, const fs::path& file) {
  Reader r(file.string());
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    std::ostringstream out;
    out << file.string() << ':' << std::max(e.mark.line, 0) + 1 << ':' << std::max(e.mark.column, 0) + 1
        << ": YAML syntax error: " << e.msg;
    std::istringstream lines(text);
    std::string line;
    for (int i = 0; i <= e.mark.line; ++i) std::getline(lines, line);
    if (line.substr(0, line.find_first_not_of(" \t")).find('\t') != std::string::npos)
      out << " (the line is indented with a tab; YAML allows only spaces)";
    throw Error(ExitCode::kUsage, out.str());
  }
  if (docs.size() > 1) r.fail(docs[1].Mark(), "(document)", "only one YAML document is allowed; remove the second '---'");
  if (docs.empty() || docs[0].IsNull())
    r.fail(YAML::Mark(), "(document)", "the file is empty; it needs at least version, toolchains and workloads");
  Config c = parse_document(r, docs[0]);
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
