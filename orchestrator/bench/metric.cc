#include "orchestrator/bench/metric.h"

namespace pgo::bench {

const char* metric_name(Metric metric) { return metric == Metric::Time ? "wall_time" : "instructions"; }
const char* metric_unit(Metric metric) { return metric == Metric::Time ? "s" : "instructions"; }
const char* metric_label(Metric metric) { return metric == Metric::Time ? "wall time" : "instructions"; }

std::optional<std::vector<Metric>> parse_metrics(std::string_view text) {
  if (text == "time" || text == "wall") return std::vector<Metric>{Metric::Time};
  if (text == "instructions") return std::vector<Metric>{Metric::Instructions};
  if (text == "both") return std::vector<Metric>{Metric::Time, Metric::Instructions};
  return std::nullopt;
}

std::optional<Metric> metric_from_name(std::string_view name) {
  if (name == "wall_time") return Metric::Time;
  if (name == "instructions") return Metric::Instructions;
  return std::nullopt;
}

}  // namespace pgo::bench
