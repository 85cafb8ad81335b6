// The CPU-profiling hook the instrumented Go build adds to each built package through
// `go build -overlay` (docs/adapters/go.md, "Training"). When PGO_GO_CPUPROFILE names a
// directory, the hook starts runtime/pprof CPU profiling in an init function and writes
// <dir>/cpu-<pid>.pprof (through a .tmp name, renamed when complete) when the process
// ends through:
//   - a return from main.main, os.Exit (any code), log.Fatal and the testing package's
//     exit: an exit hook (internal/runtime/exithook, the one coverage uses), reached
//     through go:linkname, which needs -ldflags=-checklinkname=0 (Go 1.23+);
//   - SIGINT or SIGTERM when the program does not handle the signal itself: the profile
//     is written, then the signal is raised again so the process dies as it would have.
//     A program that handles it (signal.Notify) keeps doing so, and its exit writes the
//     profile through the exit hook.
// Any other end (panic, fatal error, SIGKILL, another signal, syscall.Exit) loses the
// process's whole profile: runtime/pprof writes nothing before StopCPUProfile.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace pgo::go {

// File name the hook takes in a package directory (through the overlay only).
inline constexpr const char* kHookFileName = "zz_pgo_cpuprofile.go";
// Oldest Go whose exit hooks the hook can reach (internal/runtime/exithook, -checklinkname).
inline constexpr int kHookMinMinor = 23;

// Go source of the hook for a package named `package_name`.
std::string profile_hook_source(const std::string& package_name);

// Writes the hook for every package (dir -> package name) under `work_dir`/src and an
// overlay file `work_dir`/pgo-overlay.json mapping <dir>/zz_pgo_cpuprofile.go to it, merged with the Replace entries of
// `user_overlay` (the user's -overlay from GOFLAGS; empty: none). Returns the overlay path.
// Throws pgo::UsageError if a package already has a file of that name, pgo::BuildError if
// the user's overlay cannot be read.
std::filesystem::path write_hook_overlay(const std::map<std::string, std::string>& packages,
                                         const std::filesystem::path& work_dir,
                                         const std::filesystem::path& user_overlay);

}  // namespace pgo::go
