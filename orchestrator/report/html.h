// report.html: the report as one self-contained HTML page (inline CSS and SVG; no scripts,
// fonts, images or links to load; a Content-Security-Policy forbids fetching anything).
// It shows the speedup of every workload as a forest plot, the wall-time samples of both
// binaries per workload, the results and profile tables. Every string taken from the
// report is HTML-escaped. docs/reports.md describes the page.
#pragma once

#include <string>

#include "orchestrator/report/report.h"

namespace pgo {

// `noise` is the bench noise threshold (pgo.yaml `bench.noise_threshold`), drawn as the
// band around 1.0 in which no speedup counts as a change.
std::string html_report(const Report& report, double noise = 0.01);

}  // namespace pgo
