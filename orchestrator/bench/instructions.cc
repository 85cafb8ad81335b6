#include "orchestrator/bench/instructions.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <system_error>

#include "orchestrator/bench/output_check.h"
#include "support/atomic_file.h"
#include "support/strings.h"
#include "workloads/bounded_output.h"
#include "workloads/service.h"

namespace pgo::bench {
namespace fs = std::filesystem;

namespace {

std::optional<uint64_t> to_u64(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || text[i] == sep) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  return parts;
}

// The callgrind log files of one counted run: <prefix>.<pid>.log
std::vector<fs::path> callgrind_logs(const fs::path& prefix) {
  std::vector<fs::path> logs;
  std::error_code ec;
  const std::string stem = prefix.filename().string() + ".";
  for (const auto& e : fs::directory_iterator(prefix.parent_path(), ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(stem, 0) == 0 && e.path().extension() == ".log") logs.push_back(e.path());
  }
  std::sort(logs.begin(), logs.end());
  return logs;
}

InstructionStats make_stats(std::vector<uint64_t> counts) {
  InstructionStats st;
  if (!counts.empty()) {
    std::vector<double> v(counts.begin(), counts.end());
    st.median = median(v);
    st.min = min(v);
    st.max = max(v);
  }
  st.counts = std::move(counts);
  return st;
}

}  // namespace

const char* to_string(Counter counter) {
  switch (counter) {
    case Counter::Perf: return "perf";
    case Counter::Cachegrind: return "cachegrind";
    case Counter::Callgrind: break;
  }
  return "callgrind";
}

std::optional<uint64_t> parse_perf_stat(std::string_view text) {
  std::optional<uint64_t> total;
  for (std::string_view line : split(text, '\n')) {
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> f = split(line, ',');
    if (f.size() < 3 || f[2].find("instructions") == std::string_view::npos) continue;
    if (auto v = to_u64(f[0])) total = total.value_or(0) + *v;  // "<not supported>" is no number
  }
  return total;
}

std::optional<uint64_t> parse_callgrind_collected(std::string_view text) {
  std::optional<uint64_t> total;
  for (std::string_view line : split(text, '\n')) {
    size_t at = line.find("Collected");
    if (at == std::string_view::npos) continue;
    size_t colon = line.find(':', at);
    if (colon == std::string_view::npos) continue;
    if (auto v = to_u64(line.substr(colon + 1))) total = total.value_or(0) + *v;
  }
  return total;
}

std::optional<uint64_t> parse_cachegrind_refs(std::string_view text) {
  std::optional<uint64_t> total;
  for (std::string_view line : split(text, '\n')) {
    size_t at = line.find("I   refs:");
    if (at == std::string_view::npos) continue;
    std::string digits;
    for (char c : line.substr(at + 9))
      if (c != ',' && c != ' ') digits += c;
    if (auto v = to_u64(digits)) total = total.value_or(0) + *v;
  }
  return total;
}

std::optional<Counter> probe_counter(ProcessRunner& runner, const fs::path& scratch, std::string& why) {
  fs::create_directories(scratch);
  why.clear();
  if (find_program("perf")) {
    ProcessSpec probe;
    probe.argv = {"true"};
    probe.timeout = std::chrono::seconds(30);
    fs::path prefix = scratch / "probe";
    ProcessResult r = runner.run(counted_process(Counter::Perf, probe, prefix));
    std::error_code ec;
    std::string text = fs::exists(prefix.string() + ".perf") ? read_file(prefix.string() + ".perf") : "";
    fs::remove(prefix.string() + ".perf", ec);
    if (r.ok() && parse_perf_stat(text).value_or(0) > 0) return Counter::Perf;
    why = "perf stat -e instructions:u: " + (r.ok() ? trim(tail_lines(text, 1)) : r.describe());
  } else {
    why = "perf: not on PATH (Debian package linux-perf)";
  }
  if (find_program("valgrind")) {
    ProcessSpec probe;
    probe.argv = {"valgrind", "--version"};
    probe.timeout = std::chrono::seconds(30);
    if (runner.run(probe).ok()) return Counter::Cachegrind;
    why += "; valgrind --version failed";
  } else {
    why += "; valgrind: not on PATH (Debian package valgrind)";
  }
  return std::nullopt;
}

ProcessSpec counted_process(Counter counter, const ProcessSpec& spec, const fs::path& report_prefix) {
  ProcessSpec wrapped = spec;
  if (counter == Counter::Perf) {
    wrapped.argv = {"perf", "stat", "-x,", "-o", report_prefix.string() + ".perf", "-e", "instructions:u", "--"};
  } else {
    const bool cachegrind = counter == Counter::Cachegrind;
    wrapped.argv = {"valgrind",
                    cachegrind ? "--tool=cachegrind" : "--tool=callgrind",
                    cachegrind ? "--cachegrind-out-file=/dev/null" : "--callgrind-out-file=/dev/null",
                    "--trace-children=yes", "--log-file=" + report_prefix.string() + ".%p.log"};
    if (cachegrind) wrapped.argv.push_back("--cache-sim=no");
    wrapped.argv.push_back("--");
    if (spec.timeout.count() > 0) wrapped.timeout = spec.timeout * 50;
    if (spec.service) {  // the server runs on the simulated CPU: slower to start and to stop
      auto service = std::make_shared<ServiceRun>(*spec.service);
      service->slowdown = 20;
      wrapped.service = service;
    }
  }
  wrapped.argv.insert(wrapped.argv.end(), spec.argv.begin(), spec.argv.end());
  return wrapped;
}

std::optional<uint64_t> read_count(Counter counter, const fs::path& report_prefix) {
  std::error_code ec;
  if (counter == Counter::Perf) {
    fs::path file = report_prefix.string() + ".perf";
    if (!fs::exists(file)) return std::nullopt;
    auto count = parse_perf_stat(read_file(file));
    fs::remove(file, ec);
    return count;
  }
  std::string text;
  for (const fs::path& log : callgrind_logs(report_prefix)) {
    text += read_file(log);
    fs::remove(log, ec);
  }
  return counter == Counter::Cachegrind ? parse_cachegrind_refs(text) : parse_callgrind_collected(text);
}

RangeRatio range_ratio(const std::vector<double>& num, const std::vector<double>& den) {
  if (num.empty() || den.empty()) throw std::invalid_argument("range_ratio: empty group");
  if (min(num) <= 0 || min(den) <= 0) throw std::invalid_argument("range_ratio: non-positive value");
  return {median(num) / median(den), min(num) / max(den), max(num) / min(den)};
}

Verdict decide_range(double lo, double hi, double noise) {
  if (lo > 1 + noise) return Verdict::Faster;
  if (hi < 1 - noise) return Verdict::Slower;
  return Verdict::NoChange;
}

std::vector<std::string> apply_go_counting_env(ProcessSpec& spec, Counter counter,
                                               const std::map<std::string, std::string>& workload_env) {
  std::vector<std::pair<std::string, std::string>> wanted(std::begin(kGoCountingEnv), std::end(kGoCountingEnv));
  if (counter != Counter::Perf) wanted.emplace_back("GODEBUG", "asyncpreemptoff=1");
  std::vector<std::string> applied;
  for (const auto& [name, value] : wanted) {
    if (workload_env.count(name)) continue;  // the workload's own setting wins
    spec.env[name] = value;
    applied.push_back(name + "=" + value);
  }
  return applied;
}

std::vector<InstructionResult> count_variants(ProcessRunner& runner, Counter counter,
                                              const std::vector<Variant>& variants, const InstructionSettings& s,
                                              const std::function<void(int, int)>& progress) {
  if (s.runs < 1) throw std::invalid_argument("instructions: runs must be >= 1");
  if (s.work_dir.empty()) throw std::invalid_argument("instructions: work_dir is required");
  if (variants.size() < 2) throw std::invalid_argument("instructions: a baseline and another binary are needed");
  fs::create_directories(s.work_dir);
  const size_t n = variants.size();
  std::vector<InstructionResult> results(n - 1);
  for (InstructionResult& r : results) {
    r.counter = counter;
    r.outputs_compared = s.compare_output;
  }
  // `who`'s problem goes to its own result, or to every one when it is the baseline's.
  auto results_of = [&](size_t who) {
    std::vector<InstructionResult*> out;
    for (size_t i = 1; i < n; ++i)
      if (who == 0 || who == i) out.push_back(&results[i - 1]);
    return out;
  };
  std::vector<bool> active(n, true);
  auto compared_active = [&] { return std::find(active.begin() + 1, active.end(), true) != active.end(); };
  std::vector<std::vector<uint64_t>> counts(n);
  std::optional<int> ref_exit;
  std::string ref_hash;
  for (int run = 0; run < s.runs && active[0] && compared_active(); ++run) {
    if (run > 0 && progress) progress(run, s.runs);
    for (size_t who = 0; who < n && active[0]; ++who) {
      if (!active[who]) continue;
      throw_if_interrupted();
      const Variant& v = variants[who];
      const std::string label = v.name + " run " + std::to_string(run + 1);
      // Records `failure` (unless the result failed already) and leaves `who` out from now on.
      auto record_failure = [&](const std::string& failure) {
        for (InstructionResult* r : results_of(who))
          if (!r->failed) {
            r->failed = true;
            r->failure = failure;
          }
        active[who] = false;
      };
      auto fail = [&](const std::string& what) { record_failure(label + " failed: " + what); };
      const fs::path prefix = s.work_dir / (v.name + ".count");
      for (const fs::path& stale : callgrind_logs(prefix)) fs::remove(stale);
      ProcessSpec spec = counted_process(counter, v.run, prefix);
      const fs::path stdout_file = s.work_dir / (v.name + ".stdout");
      std::error_code ec;
      fs::remove(stdout_file, ec);
      BoundedOutput output({stdout_file, {}});  // a bounded file; the hash covers every byte
      spec.stdout_file = output.target(0);
      ProcessResult r = runner.run(spec);
      output.finish();
      const std::string command = "; command: " + shell_quote_for_display(spec.argv);
      if (r.ended_abnormally()) { fail(r.describe() + command); continue; }
      if (!ref_exit) ref_exit = r.exit_code;
      if (r.exit_code != 0 && *ref_exit == 0) { fail(r.describe() + " (the baseline exits 0)" + command); continue; }
      std::optional<uint64_t> count = read_count(counter, prefix);
      if (!count || *count == 0) { fail(std::string(to_string(counter)) + " reported no instruction count" + command); continue; }
      counts[who].push_back(*count);
      if (v.check) {
        for (InstructionResult* res : results_of(who)) res->output_checked = true;
        std::string problem = run_output_check(runner, *v.check, s.work_dir / (v.name + ".check.log"));
        throw_if_interrupted();
        if (!problem.empty()) {
          record_failure(label + ": " + problem + " (the run itself: " + r.describe() + "; command: " +
                         shell_quote_for_display(v.run.argv) + ")");
          continue;
        }
      }
      if (!s.compare_output) continue;
      const std::string& hash = output.sha256(0);
      if (ref_hash.empty()) ref_hash = hash;  // the baseline runs first: its first output is the reference
      if (r.exit_code != *ref_exit || hash != ref_hash)
        for (InstructionResult* res : results_of(who))
          if (res->outputs_match) {
            res->outputs_match = false;
            res->mismatch = label + ": " + (r.exit_code != *ref_exit ? r.describe() + ", the baseline's exit status " +
                                                                           std::to_string(*ref_exit)
                                                                     : "stdout differs from the baseline's first run");
          }
    }
  }
  for (size_t who = 1; who < n; ++who) {
    InstructionResult& result = results[who - 1];
    result.baseline = make_stats(counts[0]);
    result.optimized = make_stats(counts[who]);
    if (counts[0].empty() || counts[who].empty()) continue;
    const std::vector<double> base(counts[0].begin(), counts[0].end()), opt(counts[who].begin(), counts[who].end());
    const SpeedupInterval ci = bootstrap_speedup(base, opt);
    result.speedup = ci.speedup;
    result.lo = ci.lo;
    result.hi = ci.hi;
    result.half_width = ci.half_width_fraction();
    result.p_value = mann_whitney_u(base, opt).p_value;
    if (!result.failed) result.verdict = decide_range(ci.lo, ci.hi, s.noise);
  }
  return results;
}

InstructionResult count_instructions(ProcessRunner& runner, Counter counter, const ProcessSpec& baseline,
                                     const ProcessSpec& optimized, const InstructionSettings& s,
                                     const std::function<void(int, int)>& progress) {
  return count_variants(runner, counter, {{"baseline", baseline, s.baseline_check}, {"optimized", optimized, s.optimized_check}},
                        s, progress)
      .front();
}

}  // namespace pgo::bench
