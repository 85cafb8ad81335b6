#include "orchestrator/report/bencher.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/report/sample_report.h"

namespace pgo {
namespace {

using nlohmann::json;
using testing::sample_report;

TEST(BencherMetricFormat, OneBenchmarkPerMeasuredWorkload) {
  const Report report = sample_report();
  const json bmf = json::parse(bencher_json(report));
  ASSERT_TRUE(bmf.is_object());
  std::vector<std::string> keys;
  for (const auto& [key, value] : bmf.items()) keys.push_back(key);
  // nlohmann orders object keys alphabetically; the failed gcc/app/small is left out.
  const std::vector<std::string> expected = {"clang/app/<script>alert(1)</script>", "clang/app/large", "clang/app/small",
                                             "clang/geomean", "gcc/app/large", "gcc/geomean"};
  EXPECT_EQ(keys, expected);

  const WorkloadResult& small = report.results[0];
  const json& latency = bmf["clang/app/small"]["latency"];
  const double ns = small.bench.optimized.median_s * 1e9, mad = small.bench.optimized.mad_s * 1e9;
  EXPECT_NEAR(latency["value"].get<double>(), ns, 1e-6);
  EXPECT_NEAR(latency["lower_value"].get<double>(), ns - mad, 1e-6);
  EXPECT_NEAR(latency["upper_value"].get<double>(), ns + mad, 1e-6);
  const json& speedup = bmf["clang/app/small"]["speedup"];
  EXPECT_DOUBLE_EQ(speedup["value"].get<double>(), small.bench.speedup);
  EXPECT_DOUBLE_EQ(speedup["lower_value"].get<double>(), 1.090);
  EXPECT_DOUBLE_EQ(speedup["upper_value"].get<double>(), 1.130);
  EXPECT_DOUBLE_EQ(bmf["clang/geomean"]["speedup"]["value"].get<double>(), report.geomean_speedup("clang"));
  EXPECT_EQ(bmf["clang/geomean"].size(), 1u);
}

TEST(BencherMetricFormat, EveryMetricFollowsTheSchema) {
  // bmf.json: each measure object needs a numeric "value"; lower_value and upper_value are
  // optional numbers. Nothing else is allowed to sneak in (null, strings, NaN).
  const json bmf = json::parse(bencher_json(sample_report()));
  for (const auto& [benchmark, measures] : bmf.items()) {
    ASSERT_TRUE(measures.is_object()) << benchmark;
    ASSERT_FALSE(measures.empty()) << benchmark;
    for (const auto& [measure, m] : measures.items()) {
      EXPECT_LE(measure.size(), 64u);
      ASSERT_TRUE(m.contains("value") && m["value"].is_number()) << benchmark << " " << measure;
      for (const auto& [field, v] : m.items()) {
        EXPECT_TRUE(field == "value" || field == "lower_value" || field == "upper_value") << field;
        ASSERT_TRUE(v.is_number()) << benchmark << " " << measure << " " << field;
        EXPECT_TRUE(std::isfinite(v.get<double>()));
      }
      if (m.contains("lower_value")) {
        EXPECT_LE(m["lower_value"].get<double>(), m["value"].get<double>());
      }
      if (m.contains("upper_value")) {
        EXPECT_GE(m["upper_value"].get<double>(), m["value"].get<double>());
      }
    }
  }
}

TEST(BencherMetricFormat, LeavesOutWhatWasNotMeasured) {
  Report report;
  EXPECT_EQ(bencher_json(report), "{}\n");
  WorkloadResult w = testing::make_result("t", "w", 1, 1, NAN, NAN, 1, bench::Verdict::NoChange);
  report.results.push_back(w);
  WorkloadResult no_speedup = w;
  no_speedup.workload = "x";
  no_speedup.bench.speedup = NAN;
  report.results.push_back(no_speedup);
  const json bmf = bencher_metric_format(report);
  EXPECT_FALSE(bmf["t/app/w"]["speedup"].contains("lower_value"));
  EXPECT_TRUE(bmf["t/app/w"]["latency"].contains("lower_value"));
  EXPECT_FALSE(bmf["t/app/x"].contains("speedup"));
  EXPECT_TRUE(bmf["t/app/x"].contains("latency"));
}

TEST(BencherMetricFormat, LeavesOutFailedBenchmarksEvenWithPartialStatistics) {
  Report report;
  WorkloadResult w = testing::make_result("t", "crashed", 1, 0.9, 1.05, 1.15, 0.01, bench::Verdict::Faster);
  w.bench.failed = true;  // statistics of the runs before the crash are still filled in
  report.results.push_back(w);
  EXPECT_EQ(bencher_json(report), "{}\n");
}

}  // namespace
}  // namespace pgo
