// GccProfileFormat::merge and its gcov-tool plumbing.
//
// gcov-tool (GCC 12) merges two directories: `merge A B -o OUT`. pgo folds N runs as
// ((r1 + r2) + r3) ..., a run of weight w added w times, so the result is sum(w_i * r_i).
//
// Two bugs of gcov-tool 12 shape this, both internal compiler errors on files with value
// profiles (topn counters: indirect calls, C++ virtual calls), found on examples/c-server:
//   - any weight other than 1 (`merge -w 2,1`, `rewrite -s 2`: in gcov_read_counter_mem or
//     __gcov_topn_counter_op), hence the repeated additions instead of weights;
//   - two directories that hold different sets of files (in write_topn_counters), as when one
//     training run ran only a project's client and another only its server: the files are
//     merged in groups, each the files that the same runs wrote, so that within a group every
//     directory holds the same files. Runs of one program form a single group.
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "adapters/gcc/gcc_format.h"
#include "adapters/gcc/gcc_paths.h"
#include "adapters/gcc/gcno.h"
#include "adapters/gcc/gcov_io.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

struct StagedFile {
  fs::path rel;
  std::string bytes;  // exactly what was parsed: gcov-tool sees these bytes, nothing else
  GcdaFile parsed;
  bool ok = true;
};

struct Run {
  fs::path source;
  uint64_t weight = 1;
  std::vector<StagedFile> files;
  std::vector<std::string> problems;  // "<file>: <reason>"
};

// Same compilation, hence mergeable: stamp and every function's shape agree.
bool same_build(const GcdaFile& a, const GcdaFile& b) {
  if (a.version != b.version || a.stamp != b.stamp || a.checksum != b.checksum ||
      a.functions.size() != b.functions.size())
    return false;
  for (size_t i = 0; i < a.functions.size(); ++i) {
    const auto &fa = a.functions[i], &fb = b.functions[i];
    if (fa.ident != fb.ident || fa.lineno_checksum != fb.lineno_checksum || fa.cfg_checksum != fb.cfg_checksum ||
        fa.arc_counts.size() != fb.arc_counts.size())
      return false;
  }
  return true;
}

Run check_run(const WeightedInput& input) {
  Run run{input.path, input.weight, {}, {}};
  std::vector<fs::path> rels;
  try {
    rels = list_gcda_files(input.path);
  } catch (const Error& e) {
    run.problems.push_back(e.what());
    return run;
  }
  if (rels.empty())
    run.problems.push_back(input.path.string() +
                           ": no .gcda files (a training run writes them only at normal exit: did it crash, "
                           "get killed or call _exit?)");
  for (const auto& rel : rels) {
    try {
      StagedFile f{rel, read_binary_file(input.path / rel), {}, true};
      f.parsed = parse_gcda(f.bytes, (input.path / rel).string());
      f.parsed.name = rel.string();
      run.files.push_back(std::move(f));
    } catch (const Error& e) {
      run.problems.push_back(e.what());
    }
  }
  return run;
}

void write_plain(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw BuildError("cannot write " + path.string());
}

using Expected = std::map<std::string, std::map<uint32_t, std::vector<uint64_t>>>;

// The arc counters the merge must produce: sum(w_i * counts_i) per file and function.
Expected expected_counts(const std::vector<Run>& runs) {
  Expected exp;
  for (const Run& run : runs)
    for (const StagedFile& f : run.files) {
      if (!f.ok) continue;
      auto& per_file = exp[f.rel.string()];
      for (const GcdaFunction& fn : f.parsed.functions) {
        auto& acc = per_file[fn.ident];
        acc.resize(fn.arc_counts.size(), 0);
        for (size_t i = 0; i < fn.arc_counts.size(); ++i) {
          uint64_t term = 0;
          if (__builtin_mul_overflow(fn.arc_counts[i], run.weight, &term) ||
              __builtin_add_overflow(acc[i], term, &acc[i]))
            throw WorkloadError("gcc merge: weighted counts of " + f.rel.string() +
                                " overflow 64 bits; lower the workload weights");
        }
      }
    }
  return exp;
}

void verify_merged(const fs::path& dir, const Expected& exp, const std::string& tool) {
  auto fail = [&](const std::string& what) {
    throw BuildError("gcc merge: the output of " + tool + " is not the weighted sum of the runs (" + what +
                     "); is it the gcov-tool of the GCC that built the program?");
  };
  std::vector<GcdaFile> files = read_gcda_dir(dir);
  if (files.size() != exp.size())
    fail(std::to_string(files.size()) + " files, expected " + std::to_string(exp.size()));
  for (const GcdaFile& f : files) {
    auto it = exp.find(f.name);
    if (it == exp.end()) fail("unexpected file " + f.name);
    for (const GcdaFunction& fn : f.functions) {
      auto want = it->second.find(fn.ident);
      if (want == it->second.end()) fail(f.name + ": unexpected function " + gcov_io::hex32(fn.ident));
      if (want->second != fn.arc_counts) fail(f.name + ": counters of function " + gcov_io::hex32(fn.ident));
    }
    if (f.functions.size() != it->second.size()) fail(f.name + ": functions missing");
  }
}


}  // namespace

std::string GccProfileFormat::gcov_tool_for(const fs::path& compiler) {
  std::string base = compiler.filename().string();
  size_t at = base.rfind("gcc");
  if (at == std::string::npos) at = base.rfind("g++");
  if (at == std::string::npos) return "gcov-tool";
  std::string tool = base.substr(0, at) + "gcov-tool" + base.substr(at + 3);
  std::error_code ec;
  if (compiler.has_parent_path() && fs::exists(compiler.parent_path() / tool, ec))
    return (compiler.parent_path() / tool).string();
  return find_program(tool) ? tool : "gcov-tool";
}

std::string GccProfileFormat::gcov_tool() const {
  return options_.gcov_tool.empty() ? gcov_tool_for(options_.compiler) : options_.gcov_tool;
}

std::string GccProfileFormat::run_gcov_tool(const std::vector<std::string>& args, const fs::path& work_dir) const {
  ProcessSpec spec;
  spec.argv = {gcov_tool()};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = work_dir;
  spec.timeout = std::chrono::minutes(10);
  CapturedRun run = run_captured(runner_, spec, Streams::kTogether, work_dir);
  const ProcessResult& r = run.result;
  if (r.spawn_failed)
    throw BuildError("cannot run " + spec.argv[0] + ": " + r.spawn_error +
                     " (install the gcov-tool of the GCC in use, e.g. Debian package gcc-12)");
  if (!r.ok()) throw BuildError(shell_quote_for_display(spec.argv) + ": " + r.describe() + "\n" + tail_lines(run.out, 20));
  return run.out;
}

void GccProfileFormat::check_gcov_tool_version(uint32_t gcda_version, const fs::path& work_dir) const {
  std::string first = run_gcov_tool({"--version"}, work_dir);
  first = first.substr(0, first.find('\n'));
  int major = 0, minor = 0;
  // "gcov-tool (Debian 12.2.0-14+deb12u1) 12.2.0": the version is the last word.
  if (std::sscanf(first.substr(first.rfind(' ') + 1).c_str(), "%d.%d", &major, &minor) != 2) return;
  if (major != gcov_io::version_major(gcda_version) || minor != gcov_io::version_minor(gcda_version))
    throw BuildError("gcc merge: " + gcov_tool() + " is version " + std::to_string(major) + "." +
                     std::to_string(minor) + " but the profiles are gcda \"" +
                     gcov_io::version_string(gcda_version) + "\"; use the gcov-tool of the same GCC");
}

MergeResult GccProfileFormat::merge(const std::vector<WeightedInput>& inputs, const fs::path& out,
                                    FailureMode mode, int /*jobs*/) const {
  if (inputs.empty()) throw WorkloadError("gcc merge: no training runs to merge");
  MergeResult result;
  result.output = gcc_paths::clean(out);
  result.method = "gcov-tool";

  std::vector<Run> runs;
  for (const auto& input : inputs) {
    if (input.weight == 0) {
      result.skipped.push_back(input.path.string() + ": weight 0");
      continue;
    }
    runs.push_back(check_run(input));
  }
  // Runs must come from one build: the first run to name a file is its reference.
  std::map<std::string, const StagedFile*> reference;
  for (Run& run : runs)
    for (StagedFile& f : run.files) {
      auto [it, fresh] = reference.emplace(f.rel.string(), &f);
      if (!fresh && !same_build(it->second->parsed, f.parsed)) {
        f.ok = false;
        run.problems.push_back((run.source / f.rel).string() + ": from a different build than " +
                               (runs.front().source / f.rel).string() + " (stamp or function checksums differ)");
      }
    }
  for (const Run& run : runs)
    if (!run.problems.empty() && mode == FailureMode::Any) {
      std::vector<std::string> all;
      for (const Run& r : runs) all.insert(all.end(), r.problems.begin(), r.problems.end());
      throw WorkloadError("gcc merge: unusable training profiles (failure mode any):\n  " + join(all, "\n  "));
    }
  std::vector<Run> good;
  for (Run& run : runs) {
    if (mode == FailureMode::Warn) {
      for (const auto& p : run.problems) result.skipped.push_back(p);
      std::erase_if(run.files, [&](const StagedFile& f) { return !f.ok; });
      if (!run.files.empty()) good.push_back(std::move(run));
      continue;
    }
    if (run.problems.empty())
      good.push_back(std::move(run));
    else
      result.skipped.push_back(run.source.string() + ": " + join(run.problems, "; "));
  }
  if (good.empty())
    throw WorkloadError("gcc merge: no usable training profile among " + std::to_string(inputs.size()) +
                        " run(s):\n  " + join(result.skipped, "\n  "));
  result.inputs_merged = good.size();

  const std::string tool = gcov_tool();
  fs::path work = gcc_paths::make_temp_dir(result.output.parent_path(), "." + result.output.filename().string() + ".merge");
  try {
    check_gcov_tool_version(good.front().files.front().parsed.version, work);
    // Folds run directories that hold the same files into sum(w_i * r_i), each run added w_i
    // times with weight 1 (see the top of the file); returns the directory holding it (the
    // only run's own when there is nothing to add).
    auto fold_runs = [&](const std::vector<std::pair<fs::path, uint64_t>>& dirs, const fs::path& dir) {
      std::vector<fs::path> addends;
      for (const auto& [run_dir, weight] : dirs) addends.insert(addends.end(), weight, run_dir);
      fs::path acc = addends[0];
      for (size_t k = 1; k < addends.size(); ++k) {
        fs::path next = dir / ("acc" + std::to_string(k));
        run_gcov_tool({"merge", acc.string(), addends[k].string(), "-o", next.string(), "-w", "1,1"}, work);
        acc = next;
      }
      return acc;
    };
    // file -> the runs that wrote it; then the files of each set of runs.
    std::map<std::string, std::vector<size_t>> writers;
    for (size_t k = 0; k < good.size(); ++k)
      for (const StagedFile& f : good[k].files) writers[f.rel.string()].push_back(k);
    std::map<std::vector<size_t>, std::vector<std::string>> groups;
    for (const auto& [rel, runs_of_file] : writers) groups[runs_of_file].push_back(rel);

    const fs::path acc = work / "merged";
    size_t group_index = 0;
    for (const auto& [members, files] : groups) {
      const fs::path group_dir = work / ("group" + std::to_string(group_index++));
      const std::set<std::string> in_group(files.begin(), files.end());
      std::vector<std::pair<fs::path, uint64_t>> staged;  // one directory per run, with its weight
      for (size_t k : members) {
        staged.emplace_back(group_dir / ("in" + std::to_string(k)), good[k].weight);
        for (const StagedFile& f : good[k].files)
          if (in_group.count(f.rel.string()))
            write_plain(staged.back().first / f.rel, f.bytes);
      }
      const fs::path merged = fold_runs(staged, group_dir);
      for (const std::string& rel : files) {
        fs::create_directories((acc / rel).parent_path());
        fs::copy_file(merged / rel, acc / rel, fs::copy_options::overwrite_existing);
      }
    }
    verify_merged(acc, expected_counts(good), tool);
    if (!options_.notes_dir.empty()) {
      // Notes from the same compilation (equal stamp) let summarize() name functions.
      for (const GcdaFile& f : read_gcda_dir(acc)) {
        fs::path notes = options_.notes_dir / notes_path_for(f.name);
        std::error_code ec;
        if (!fs::is_regular_file(notes, ec)) continue;
        try {
          std::string bytes = read_binary_file(notes);
          if (parse_gcno(bytes, notes.string()).stamp != f.stamp) continue;
          write_plain(fs::path(acc / f.name).replace_extension(".gcno"), bytes);
        } catch (const Error&) {
        }
      }
    }
    replace_directory_atomic(acc, result.output);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(work, ec);
    throw;
  }
  std::error_code ec;
  fs::remove_all(work, ec);
  return result;
}

}  // namespace pgo
