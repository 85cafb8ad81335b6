#include "orchestrator/fingerprints.h"

#include "support/atomic_file.h"
#include "support/hash.h"
#include "support/strings.h"

namespace pgo::reuse {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSchema = "pgo-fingerprints/1";

json key_json(const TrainKey& k) {
  return {{"format", k.format},
          {"format_version", k.format_version},
          {"workloads", k.workloads},
          {"instrumented", k.instrumented}};
}

TrainKey key_from(const json& j) {
  TrainKey k;
  k.format = j.at("format").get<std::string>();
  k.format_version = j.at("format_version").get<std::string>();
  k.workloads = j.at("workloads").get<std::string>();
  k.instrumented = j.at("instrumented").get<std::map<std::string, std::string>>();
  return k;
}

TrainRecord record_from(const json& t) {
  TrainRecord r;
  r.key = key_from(t.at("key"));
  r.merged = t.at("merged").get<std::string>();
  r.merge_method = t.at("merge_method").get<std::string>();
  r.raw_profiles = t.at("raw_profiles").get<size_t>();
  r.skipped = t.at("skipped").get<std::vector<std::string>>();
  return r;
}

json record_json(const TrainRecord& t) {
  return {{"key", key_json(t.key)},
          {"merged", t.merged.string()},
          {"merge_method", t.merge_method},
          {"raw_profiles", t.raw_profiles},
          {"skipped", t.skipped}};
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

Fingerprints read_fingerprints(const fs::path& file) {
  Fingerprints out;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return out;
  try {
    json j = json::parse(read_file(file));
    if (j.value("schema", "") != kSchema) return out;
    if (j.contains("train") && j["train"].is_object()) out.train[""] = record_from(j["train"]);
    if (j.contains("train_families") && j["train_families"].is_object())
      for (const auto& [family, t] : j["train_families"].items()) out.train[family] = record_from(t);
    if (j.contains("bench") && j["bench"].is_object())
      for (const auto& [name, b] : j["bench"].items())
        out.bench[name] = BenchRecord{b.at("key").get<std::string>(), b.at("result")};
  } catch (const std::exception&) {
    return Fingerprints{};  // a damaged cache is a cold cache
  }
  return out;
}

void write_fingerprints(const fs::path& file, const Fingerprints& f) {
  json j = {{"schema", kSchema}};
  for (const auto& [family, t] : f.train)
    if (family.empty()) j["train"] = record_json(t);
    else j["train_families"][family] = record_json(t);
  json bench = json::object();
  for (const auto& [name, b] : f.bench) bench[name] = {{"key", b.key}, {"result", b.result}};
  j["bench"] = bench;
  fs::create_directories(file.parent_path());
  write_file_atomic(file, j.dump(2) + "\n");
}

std::string train_reuse_blocker(const std::optional<TrainRecord>& previous, const TrainKey& now) {
  if (!previous) return "first training";
  const TrainKey& then = previous->key;
  if (then.format != now.format || then.format_version != now.format_version)
    return "profile format changed (" + then.format + " " + then.format_version + " -> " + now.format + " " +
           now.format_version + ")";
  if (then.workloads != now.workloads) return "training workloads changed";
  std::vector<std::string> changed;
  for (const auto& [target, digest] : now.instrumented) {
    auto it = then.instrumented.find(target);
    if (it == then.instrumented.end() || it->second != digest) changed.push_back(target);
  }
  for (const auto& [target, digest] : then.instrumented)
    if (!now.instrumented.count(target)) changed.push_back(target);
  if (!changed.empty()) return "instrumented " + join(changed, ", ") + " changed";
  std::error_code ec;
  if (previous->merged.empty() || !fs::exists(previous->merged, ec))
    return "the previous merged profile " + previous->merged.string() + " is gone";
  return "";
}

std::map<std::string, std::string> hash_binaries(const std::map<std::string, fs::path>& bins) {
  std::map<std::string, std::string> out;
  for (const auto& [target, path] : bins) out[target] = sha256_file(path);
  return out;
}

std::string bench_key(const Config& config, const WorkloadSpec& w, const std::map<std::string, std::string>& baseline,
                      const std::map<std::string, std::string>& optimized) {
  Fingerprint fp;
  for (const auto& [t, h] : baseline) fp.add("baseline:" + t, h);
  for (const auto& [t, h] : optimized) fp.add("optimized:" + t, h);
  fp.add("name", w.name).add("run", join(w.run, "\x1f")).add("shell", w.shell ? "1" : "0");
  for (const auto& [k, v] : w.env) fp.add("env:" + k, v);
  fp.add("cwd", w.cwd).add("timeout", std::to_string(w.timeout.count())).add("weight", number(w.weight));
  fp.add("compare_output", w.compare_output ? "1" : "0").add("check", join(w.check, "\x1f"));
  fp.add("check_shell", w.check_shell ? "1" : "0");
  if (!w.stdin_file.empty()) {
    fs::path input = config.project_dir / w.stdin_file;
    std::error_code ec;
    fp.add("stdin", fs::exists(input, ec) ? sha256_file(input) : "missing");
  }
  const BenchSpec& b = config.bench;
  fp.add("warmup", std::to_string(b.warmup)).add("min_runs", std::to_string(b.min_runs));
  fp.add("max_runs", std::to_string(b.max_runs)).add("time_budget", number(b.time_budget_s));
  fp.add("target_ci", number(b.target_ci)).add("noise", number(b.noise_threshold));
  return fp.hex();
}

}  // namespace pgo::reuse
