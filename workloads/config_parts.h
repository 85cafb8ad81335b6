// Parts of the pgo.yaml loader shared by its files: config.cc (the schema) and
// service_config.cc (a workload's service: and metric:). Not for use outside the loader.
#pragma once

#include <string>

#include "workloads/config.h"
#include "workloads/yaml_reader.h"

namespace pgo {

// Checks the ${...} placeholders of `text` (the value `v`): known variables, ${bin:...} of a
// target in build.targets when those are listed, and ${port} only where `port_allowed`.
void check_placeholders(const yaml::Reader& r, const yaml::Value& v, const std::string& text, const BuildSpec& build,
                        bool port_allowed = false);

// `service:` of workload `w`: fills w.run and w.shell from service.run and returns the rest.
ServiceSpec parse_service(const yaml::Reader& r, const yaml::Value& v, const BuildSpec& build, WorkloadSpec& w);

// `metric: {regex: "...", better: higher|lower}`.
OutputMetric parse_output_metric(const yaml::Reader& r, const yaml::Value& v);

}  // namespace pgo
