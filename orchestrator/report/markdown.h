// report.md: the report as GitHub-flavoured Markdown, fit for $GITHUB_STEP_SUMMARY (which
// GitHub limits to 1 MiB per step). docs/reports.md shows what each section holds.
#pragma once

#include <cstddef>
#include <string>

#include "orchestrator/report/report.h"

namespace pgo {

// Leaves room under GitHub's 1 MiB step-summary limit for whatever else a step writes.
inline constexpr size_t kMarkdownMaxBytes = 1000 * 1024;

// The whole report. Long lists are cut with a note saying how much was left out (the full
// data is in report.json); the result is never longer than `max_bytes` (at least 4 KiB).
std::string markdown_report(const Report& report, size_t max_bytes = kMarkdownMaxBytes);

}  // namespace pgo
