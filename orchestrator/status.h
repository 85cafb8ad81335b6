// `pgo status`: every stored profile (target x toolchain) checked against the project as
// it is now (docs/staleness.md). Per toolchain: detect the compiler, build the current
// code instrumented into .pgo/build/<toolchain>/status-instrumented (nothing runs), and
// let the ProfileFormat match the stored profile's functions against it; the drift
// comparisons and the verdict are orchestrator/staleness.h.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "orchestrator/adapter_factories.h"
#include "orchestrator/progress.h"
#include "orchestrator/report/terminal_output.h"
#include "orchestrator/staleness.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

struct StatusOptions {
  std::vector<std::string> toolchains;  // empty: every toolchain in pgo.yaml
  int jobs = 0;                         // build jobs; 0: the build tool's default
  // Also measure what staleness costs (orchestrator/status_cost.h): train afresh, build
  // with each profile and benchmark the two. Slow: a training and a benchmark per toolchain.
  bool cost = false;
  std::string metric;  // --cost --metric time|instructions|both; empty: pgo.yaml's bench.metric
};

// Takes the store lock (fails naming the holder's pid). Corrupt or missing store files
// are reported in ProfileStatus::error (and make the profile stale), never thrown; a
// failing build of the current code throws pgo::Error(kBuildFailure).
std::vector<ProfileStatus> run_status(const Config& config, const StatusOptions& options, ProcessRunner& runner,
                                      Progress& progress,
                                      const AdapterFactories& adapters = real_adapters());

// The terminal table and, under each stale profile, its reasons and hottest mismatches;
// STALE and fresh coloured when `style` says so.
void print_status_table(const std::vector<ProfileStatus>& statuses, const StalenessSpec& thresholds,
                        std::ostream& out, const TerminalStyle& style = {});

}  // namespace pgo
