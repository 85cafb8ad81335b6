#include "adapters/llvm/merge.h"

#include <fcntl.h>
#include <unistd.h>

#include <llvm/ProfileData/InstrProfReader.h>
#include <llvm/ProfileData/InstrProfWriter.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "adapters/llvm/profdata_tool.h"
#include "adapters/llvm/raw_header.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/process.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

struct Input {
  fs::path path;
  uint64_t weight = 1;
  RawProfileHeader header;
};

struct BadInput {
  size_t index = 0;  // position among the expanded inputs, for a deterministic report
  std::string text;  // "<path>: <reason>"
};

// Directories stand for every *.profraw inside (a run of several processes or binaries).
std::vector<Input> expand_inputs(const std::vector<WeightedInput>& inputs, std::vector<BadInput>& bad) {
  std::vector<Input> out;
  for (const WeightedInput& in : inputs) {
    if (in.weight == 0)
      throw UsageError("merge weight of " + in.path.string() + " is 0; weights must be positive");
    std::error_code ec;
    if (!fs::is_directory(in.path, ec)) {
      out.push_back({in.path, in.weight, {}});
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(in.path, ec))
      if (entry.path().extension() == ".profraw") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (files.empty())
      bad.push_back({out.size(), in.path.string() +
                                     ": no .profraw file in this directory: the run wrote no profile "
                                     "(it must exit normally: no crash, kill or _exit)"});
    for (const auto& f : files) out.push_back({f, in.weight, {}});
  }
  return out;
}

// One input read completely into memory: records are added to a writer only once the
// whole file has been read, so a file that turns out corrupt half-way leaves no trace.
struct LoadedProfile {
  std::unique_ptr<llvm::InstrProfReader> reader;  // owns the names the records point to
  std::vector<llvm::NamedInstrProfRecord> records;
  std::vector<llvm::object::BuildID> binary_ids;
};

std::string load_profile(const Input& in, LoadedProfile& loaded) {
  auto buffer = llvm::MemoryBuffer::getFile(in.path.string(), /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) return "cannot read: " + buffer.getError().message();
  auto unreadable = [](llvm::Error e) { return "unreadable (LLVM ProfileData: " + llvm::toString(std::move(e)) + ")"; };
  auto reader = llvm::InstrProfReader::create(std::move(*buffer));
  if (!reader) return unreadable(reader.takeError());
  loaded.reader = std::move(*reader);
  for (auto& record : *loaded.reader) loaded.records.push_back(std::move(record));
  if (loaded.reader->hasError()) return unreadable(loaded.reader->getError());
  if (llvm::Error e = loaded.reader->readBinaryIds(loaded.binary_ids)) return unreadable(std::move(e));
  return {};
}

// Per-thread merge state, like one `llvm-profdata merge -j` worker.
struct Worker {
  // Temporal trace reservoir and length as llvm-profdata's defaults.
  llvm::InstrProfWriter writer{/*Sparse=*/false, /*TemporalProfTraceReservoirSize=*/100,
                               /*MaxTemporalProfTraceLength=*/10000};
  size_t merged = 0;
  std::vector<BadInput> bad;
  std::vector<std::string> warnings;
};

void merge_one(const Input& in, size_t index, Worker& w) {
  LoadedProfile loaded;
  std::string error = load_profile(in, loaded);
  if (error.empty()) {
    if (llvm::Error e = w.writer.mergeProfileKind(loaded.reader->getProfileKind()))
      error = "profile kind conflicts with the other inputs: " + llvm::toString(std::move(e));
  }
  if (!error.empty()) {
    w.bad.push_back({index, in.path.string() + ": " + error});
    return;
  }
  auto warn = [&](llvm::Error e) { w.warnings.push_back(in.path.string() + ": " + llvm::toString(std::move(e))); };
  auto warn_code = [&](llvm::instrprof_error e) {
    w.warnings.push_back(in.path.string() + ": " + llvm::toString(llvm::make_error<llvm::InstrProfError>(e)));
  };
  for (auto& record : loaded.records) {
    // LLVM's value-site merge adds a call target that is new to the destination without
    // its weight (llvm-profdata's indirect-call counts are wrong, and depend on -j).
    // Scaling the record first and adding it with weight 1 makes every count exact.
    if (in.weight > 1 && record.getCountPseudoKind() == llvm::InstrProfRecord::NotPseudo) {
      record.scale(in.weight, 1, warn_code);
      w.writer.addRecord(std::move(record), 1, warn);
    } else {
      w.writer.addRecord(std::move(record), in.weight, warn);
    }
  }
  w.writer.addBinaryIds(loaded.binary_ids);
  if (loaded.reader->hasTemporalProfile()) {
    auto& traces = loaded.reader->getTemporalProfTraces(in.weight);
    w.writer.addTemporalProfileTraces(traces, loaded.reader->getTemporalProfTraceStreamSize());
  }
  ++w.merged;
}

[[noreturn]] void fail_bad(const std::vector<BadInput>& bad, FailureMode mode, size_t total) {
  std::string msg;
  if (mode == FailureMode::Any) {
    msg = "cannot merge profile " + bad.front().text +
          " (merge.failure_mode is `any`; `warn` skips bad profiles)";
  } else {
    msg = "no usable profile among " + std::to_string(total) + " input(s):";
    for (size_t i = 0; i < bad.size() && i < 10; ++i) msg += "\n  " + bad[i].text;
    if (bad.size() > 10) msg += "\n  ... and " + std::to_string(bad.size() - 10) + " more";
  }
  throw WorkloadError(msg);
}

void sort_bad(std::vector<BadInput>& bad) {
  std::stable_sort(bad.begin(), bad.end(), [](const BadInput& a, const BadInput& b) { return a.index < b.index; });
}

// fsync then rename: a reader sees the old file or the complete new one.
void publish(const fs::path& tmp, const fs::path& out) {
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::error_code ec;
  fs::rename(tmp, out, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw BuildError("cannot write " + out.string() + ": " + ec.message());
  }
  fd = ::open(out.parent_path().empty() ? "." : out.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void write_indexed(llvm::InstrProfWriter& writer, const fs::path& out) {
  const fs::path tmp = unique_sibling_path(out, "tmp");
  std::error_code ec;
  {
    llvm::raw_fd_ostream os(tmp.string(), ec, llvm::sys::fs::OF_None);
    if (ec) throw BuildError("cannot create " + tmp.string() + ": " + ec.message());
    std::string error;
    if (llvm::Error e = writer.write(os)) error = llvm::toString(std::move(e));
    os.close();
    if (os.has_error()) {
      if (error.empty()) error = os.error().message();
      os.clear_error();  // an unhandled stream error would abort in the destructor
    }
    if (!error.empty()) {
      fs::remove(tmp, ec);
      throw BuildError("cannot write indexed profile " + out.string() + ": " + error);
    }
  }
  publish(tmp, out);
}

MergeResult merge_in_process(const std::vector<Input>& inputs, const std::vector<size_t>& usable,
                             std::vector<BadInput> bad, const fs::path& out, const LlvmMergeOptions& opt) {
  int jobs = opt.jobs > 0 ? opt.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(usable.size())));
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < jobs; ++i) workers.push_back(std::make_unique<Worker>());

  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};  // `any`: the first bad input ends the merge; so does Ctrl-C
  std::mutex failure_mutex;
  std::exception_ptr failure;     // an exception must not escape a thread (std::terminate)
  auto run = [&](Worker& w) {
    try {
      for (size_t i; !stop && (i = next++) < usable.size();) {
        merge_one(inputs[usable[i]], usable[i], w);
        if ((!w.bad.empty() && opt.mode == FailureMode::Any) || interrupted()) stop = true;
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      stop = true;
    }
  };
  if (jobs == 1) {
    run(*workers[0]);
  } else {
    std::vector<std::thread> threads;
    for (auto& w : workers) threads.emplace_back(run, std::ref(*w));
    for (auto& t : threads) t.join();
  }
  if (failure) std::rethrow_exception(failure);
  throw_if_interrupted();

  size_t merged = 0;
  Worker* target = nullptr;
  std::vector<std::string> warnings;
  for (auto& w : workers) {
    merged += w->merged;
    bad.insert(bad.end(), w->bad.begin(), w->bad.end());
    warnings.insert(warnings.end(), w->warnings.begin(), w->warnings.end());
  }
  sort_bad(bad);
  if (!bad.empty() && opt.mode == FailureMode::Any) fail_bad(bad, opt.mode, inputs.size());
  if (merged == 0) fail_bad(bad, opt.mode, inputs.size());

  // Fold the workers' writers into one, as `llvm-profdata merge -j` does.
  for (auto& w : workers) {
    if (w->merged == 0) continue;  // an empty writer has no kind to merge
    if (!target) {
      target = w.get();
      continue;
    }
    if (llvm::Error e = target->writer.mergeProfileKind(w->writer.getProfileKind()))
      throw WorkloadError("cannot merge profiles of different kinds: " + llvm::toString(std::move(e)));
    target->writer.mergeRecordsFromWriter(std::move(w->writer), [&](llvm::Error e) {
      warnings.push_back(llvm::toString(std::move(e)));
    });
  }
  write_indexed(target->writer, out);
  if (opt.warnings) opt.warnings->insert(opt.warnings->end(), warnings.begin(), warnings.end());

  MergeResult result;
  result.output = out;
  result.inputs_merged = merged;
  for (const BadInput& b : bad) result.skipped.push_back(b.text);
  result.method = in_process_merge_method();
  return result;
}

MergeResult merge_with_tool(const std::vector<Input>& inputs, const std::vector<size_t>& usable,
                            const std::vector<BadInput>& bad, uint64_t version, const fs::path& out,
                            const LlvmMergeOptions& opt) {
  SystemProcessRunner system_runner;
  ProcessRunner& runner = opt.runner ? *opt.runner : system_runner;
  std::vector<std::string> tried;
  std::optional<ProfdataTool> tool = opt.tool ? std::optional<ProfdataTool>(*opt.tool)
                                              : find_profdata_tool(version, runner, &tried);
  if (!tool) {
    std::string msg = "raw profile " + inputs[usable.front()].path.string() + " has raw version " +
                      std::to_string(version) + ", written by " + describe_llvm_releases(version) +
                      "; the linked LLVM " + linked_llvm_version() + " reads only raw version " +
                      std::to_string(linked_llvm_raw_version()) + ", and no llvm-profdata for raw version " +
                      std::to_string(version) + " was found. Install " + profdata_install_hint(version) +
                      ", or instrument with the same compiler release as pgo's LLVM.";
    if (!tried.empty()) msg += "\nTried:\n  " + join(tried, "\n  ");
    throw BuildError(msg);
  }
  std::vector<WeightedInput> args;
  for (size_t i : usable) args.push_back({inputs[i].path, inputs[i].weight});
  const fs::path tmp = unique_sibling_path(out, "tmp");
  ToolMergeOutcome outcome;
  try {
    outcome = run_profdata_merge(*tool, args, tmp, opt.mode, opt.jobs, runner);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  publish(tmp, out);
  MergeResult result;
  result.output = out;
  for (const BadInput& b : bad) result.skipped.push_back(b.text);
  result.skipped.insert(result.skipped.end(), outcome.skipped.begin(), outcome.skipped.end());
  result.inputs_merged = usable.size() - std::min(usable.size(), outcome.skipped.size());
  result.method = tool->label();
  return result;
}

}  // namespace

std::string in_process_merge_method() { return "in-process LLVM " + linked_llvm_version(); }

MergeResult merge_llvm_profiles(const std::vector<WeightedInput>& inputs, const fs::path& out,
                                FailureMode mode, int jobs) {
  LlvmMergeOptions options;
  options.mode = mode;
  options.jobs = jobs;
  return merge_llvm_profiles(inputs, out, options);
}

MergeResult merge_llvm_profiles(const std::vector<WeightedInput>& raw_inputs, const fs::path& out,
                                const LlvmMergeOptions& opt) {
  if (raw_inputs.empty()) throw WorkloadError("no profiles to merge into " + out.string());
  std::vector<BadInput> bad;
  std::vector<Input> inputs = expand_inputs(raw_inputs, bad);

  // Headers first: cheap, and they decide who can read each file.
  std::vector<size_t> usable;
  std::map<uint64_t, std::vector<size_t>> raw_by_version;
  std::vector<size_t> front_end, ir;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Input& in = inputs[i];
    in.header = read_raw_profile_header(in.path);
    if (!in.header.valid) {
      bad.push_back({i, in.path.string() + ": " + in.header.error});
    } else if (in.header.debug_info_correlate) {
      bad.push_back({i, in.path.string() + ": written with debug-info correlation; "
                                           "merging it needs the instrumented binary (not supported)"});
    } else {
      usable.push_back(i);
      if (in.header.kind == LlvmFileKind::Raw) raw_by_version[in.header.version].push_back(i);
      (in.header.ir_level ? ir : front_end).push_back(i);
    }
  }
  sort_bad(bad);
  if (!bad.empty() && opt.mode == FailureMode::Any) fail_bad(bad, opt.mode, inputs.size());
  if (usable.empty()) fail_bad(bad, opt.mode, inputs.size());
  if (!ir.empty() && !front_end.empty())
    throw BuildError("cannot merge IR-level profiles (-fprofile-generate), e.g. " + inputs[ir.front()].path.string() +
                     ", with front-end profiles (-fprofile-instr-generate), e.g. " +
                     inputs[front_end.front()].path.string());
  if (raw_by_version.size() > 1) {
    std::string msg = "raw profiles of different raw versions cannot be merged together "
                      "(they come from different compilers):";
    for (const auto& [v, idx] : raw_by_version)
      msg += "\n  version " + std::to_string(v) + " (" + describe_llvm_releases(v) + "): " +
             inputs[idx.front()].path.string() + (idx.size() > 1 ? " and " + std::to_string(idx.size() - 1) + " more" : "");
    throw BuildError(msg);
  }
  std::error_code ec;
  if (!out.parent_path().empty()) fs::create_directories(out.parent_path(), ec);
  if (opt.tool || (!raw_by_version.empty() && raw_by_version.begin()->first != linked_llvm_raw_version()))
    return merge_with_tool(inputs, usable, bad, raw_by_version.empty() ? 0 : raw_by_version.begin()->first, out, opt);
  return merge_in_process(inputs, usable, std::move(bad), out, opt);
}

}  // namespace pgo
