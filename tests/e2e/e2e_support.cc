#include "tests/e2e/e2e_support.h"

#include <gtest/gtest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "support/atomic_file.h"
#include "workloads/process.h"

namespace fs = std::filesystem;

namespace pgo::e2e {

fs::path scratch_dir(const std::string& label) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() /
                 ("pgo-e2e-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" + label);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path copy_example(const std::string& name) {
  fs::path dest = scratch_dir(name) / name;
  fs::path source = fs::path(PGO_SOURCE_DIR) / "examples" / name;
  fs::create_directories(dest);
  for (const auto& entry : fs::directory_iterator(source)) {
    if (entry.path().filename() == ".pgo" || entry.path().filename().string().rfind("build", 0) == 0) continue;
    fs::copy(entry.path(), dest / entry.path().filename(), fs::copy_options::recursive);
  }
  return dest;
}

fs::path copy_real_project(const std::string& name, std::string* why) {
  std::string command = std::string(PGO_SOURCE_DIR) + "/scripts/real-projects.sh --dir " + name + " 2>&1";
  std::string out;
  int status = -1;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    status = pclose(p);
  }
  if (why) *why = out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  fs::path source = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);  // after fetch messages
  std::error_code ec;
  if (status != 0 || !fs::is_directory(source, ec)) return {};
  fs::path dest = scratch_dir(name) / name;
  fs::copy(source, dest, fs::copy_options::recursive);
  for (const auto& e : fs::recursive_directory_iterator(dest))  // the module cache's files are read-only
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  return dest;
}

PgoRun run_pgo(const std::vector<std::string>& args, const fs::path& cwd) {
  fs::path dir = scratch_dir("out");
  ProcessSpec spec;
  spec.argv = {PGO_BINARY};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  spec.stdout_file = dir / "stdout";
  spec.stderr_file = dir / "stderr";
  spec.timeout = std::chrono::minutes(20);
  SystemProcessRunner runner;
  ProcessResult r = runner.run(spec);
  PgoRun run;
  run.exit_code = r.signal ? 128 + r.signal : r.exit_code;
  run.out = read_file(spec.stdout_file);
  run.err = read_file(spec.stderr_file);
  fs::remove_all(dir);
  return run;
}

nlohmann::json read_json(const fs::path& file) { return nlohmann::json::parse(read_file(file)); }

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

void replace_once(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = read_file(file);
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << file;
  ASSERT_EQ(text.find(from, at + 1), std::string::npos) << from << " twice in " << file;
  write_text(file, text.replace(at, from.size(), to));
}

nlohmann::json status_profile(const fs::path& project, int expected_exit, const std::vector<std::string>& extra,
                              PgoRun* run) {
  std::vector<std::string> args = {"status", "-C", project.string(), "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  PgoRun r = run_pgo(args);
  if (run) *run = r;
  EXPECT_EQ(r.exit_code, expected_exit) << r.err << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "not JSON: " << r.out;
    return nlohmann::json::object();
  }
  EXPECT_EQ(j["schema"], "pgo-status/1");
  EXPECT_EQ(j["profiles"].size(), 1u) << j.dump(2);
  return j["profiles"].empty() ? nlohmann::json::object() : j["profiles"][0];
}

void expect_measured_result(const nlohmann::json& r, int min_runs) {
  EXPECT_TRUE(r["outputs_match"].get<bool>()) << r["output_mismatch"];
  EXPECT_FALSE(r["failed"].get<bool>()) << r["failure"];
  EXPECT_GE(r["baseline"]["runs"].get<int>(), min_runs);
  EXPECT_GE(r["optimized"]["runs"].get<int>(), min_runs);
  EXPECT_GT(r["baseline"]["median_s"].get<double>(), 0);
  EXPECT_GT(r["optimized"]["median_s"].get<double>(), 0);
}

Mount::Mount(const std::string& source, const fs::path& target, const char* type, unsigned long flags,
             const std::string& options)
    : target_(target) {
  ok_ = ::mount(source.c_str(), target.c_str(), type, flags, options.empty() ? nullptr : options.c_str()) == 0;
  error_ = ok_ ? "" : std::strerror(errno);
  if (ok_ && (flags & MS_BIND) && (flags & MS_RDONLY))  // a bind mount takes MS_RDONLY only on remount
    ok_ = ::mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) == 0;
}

Mount::~Mount() {
  if (mounted()) ::umount2(target_.c_str(), MNT_DETACH);
}

}  // namespace pgo::e2e
