// Helpers for the Go adapter tests: small real Go programs built with the real go command,
// with or without pgo's profiling hook, and a minimal protobuf writer for hand-made pprof
// profiles whose exact content the tests know.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "adapters/go/profile_hook.h"
#include "support/atomic_file.h"
#include "workloads/process.h"

namespace pgo::testing_go {

namespace fs = std::filesystem;

inline fs::path temp_dir(const std::string& label) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() /
                 ("pgo-go-test-" + label + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

inline ProcessResult run(std::vector<std::string> argv, const fs::path& cwd, std::map<std::string, std::string> env = {},
                         const fs::path& output = {}) {
  SystemProcessRunner runner;
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.cwd = cwd;
  spec.env = std::move(env);
  spec.stdout_file = output.empty() ? cwd / "run.out" : output;
  spec.stderr_file = spec.stdout_file;
  spec.timeout = std::chrono::minutes(5);
  return runner.run(spec);
}

// A module `dir` with main.go = `main_source`; built into dir/app, with pgo's hook when
// `hook`. Fails the test (and returns false) if the build fails.
inline bool build_program(const fs::path& dir, const std::string& main_source, bool hook) {
  write(dir / "go.mod", "module example.com/t\n\ngo 1.23\n");
  write(dir / "main.go", main_source);
  std::vector<std::string> argv = {"go", "build", "-pgo=off", "-o", (dir / "app").string()};
  if (hook) {
    fs::path overlay = go::write_hook_overlay({{dir.string(), "main"}}, dir / "work", "");
    argv.push_back("-overlay=" + overlay.string());
    argv.push_back("-ldflags=-checklinkname=0");
  }
  argv.push_back(".");
  ProcessResult r = run(argv, dir, {}, dir / "build.log");
  EXPECT_TRUE(r.ok()) << r.describe() << "\n" << read_file(dir / "build.log");
  return r.ok();
}

// A Go function that burns about `ms` milliseconds of CPU, so that the profile has samples.
inline std::string burn_function() {
  return R"(
func burn(ms int64) uint64 {
	var x uint64 = 1
	start := time.Now()
	for time.Since(start).Milliseconds() < ms {
		for i := 0; i < 100000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	return x
}
)";
}

// Protobuf wire format, enough to write pprof profiles by hand.
class ProtoWriter {
 public:
  ProtoWriter& varint_field(uint32_t field, uint64_t v) {
    key(field, 0);
    varint(v);
    return *this;
  }
  ProtoWriter& bytes_field(uint32_t field, const std::string& payload) {
    key(field, 2);
    varint(payload.size());
    out_ += payload;
    return *this;
  }
  ProtoWriter& packed_field(uint32_t field, const std::vector<uint64_t>& values) {
    ProtoWriter p;
    for (uint64_t v : values) p.varint(v);
    return bytes_field(field, p.str());
  }
  ProtoWriter& raw(const std::string& bytes) {
    out_ += bytes;
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  void key(uint32_t field, uint32_t wire) { varint(uint64_t{field} << 3 | wire); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>(v | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  std::string out_;
};

}  // namespace pgo::testing_go
