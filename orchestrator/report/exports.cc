#include "orchestrator/report/exports.h"

#include <algorithm>

#include "orchestrator/report/bencher.h"
#include "orchestrator/report/github_benchmark.h"
#include "orchestrator/report/html.h"
#include "orchestrator/report/markdown.h"
#include "support/atomic_file.h"

namespace pgo {

std::vector<std::filesystem::path> ReportFiles::all() const {
  return {markdown, html, bencher, github_benchmark, github_benchmark_speedup};
}

std::filesystem::path save_stamped_report(const std::filesystem::path& reports_dir, const nlohmann::json& report,
                                          const std::string& created, const std::string& kind,
                                          const std::string& latest) {
  std::string stamp = created;
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
  stamp += "-" + kind;
  std::filesystem::path dir = reports_dir / stamp;
  for (int n = 2; std::filesystem::exists(dir); ++n) dir = reports_dir / (stamp + "-" + std::to_string(n));
  const std::string text = report.dump(2) + "\n";
  write_file_atomic(dir / "report.json", text);
  write_file_atomic(reports_dir / latest / "report.json", text);
  return dir / "report.json";
}

ReportFiles write_report_files(const Report& report, const std::filesystem::path& dir, const ExportOptions& options) {
  // Render everything before writing anything, so a rendering error leaves no partial set.
  const std::string md = markdown_report(report);
  const std::string html = html_report(report, options.noise);
  const std::string bmf = bencher_json(report);
  const std::string times = github_benchmark_times_json(report);
  const std::string speedups = github_benchmark_speedups_json(report);

  ReportFiles files{dir / "report.md", dir / "report.html", dir / "bencher.json", dir / "github-benchmark.json",
                    dir / "github-benchmark-speedup.json"};
  write_file_atomic(files.markdown, md);
  write_file_atomic(files.html, html);
  write_file_atomic(files.bencher, bmf);
  write_file_atomic(files.github_benchmark, times);
  write_file_atomic(files.github_benchmark_speedup, speedups);
  return files;
}

}  // namespace pgo
