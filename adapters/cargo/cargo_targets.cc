#include "adapters/cargo/cargo_targets.h"

#include <algorithm>

#include "support/error.h"
#include "support/strings.h"

namespace pgo::cargo {

std::optional<HarnessTarget> parse_harness_target(const std::string& target) {
  for (HarnessTarget::Kind kind : {HarnessTarget::Kind::Test, HarnessTarget::Kind::Bench}) {
    HarnessTarget t{kind, "", ""};
    const std::string suffix = std::string(".") + t.cargo_kind();
    if (target.size() > suffix.size() && target.ends_with(suffix)) {
      t.name = target.substr(0, target.size() - suffix.size());
      return t;
    }
  }
  return std::nullopt;
}

std::vector<HarnessTarget> resolve_harness_targets(const std::set<std::string>& referenced,
                                                   const std::vector<const Package*>& packages,
                                                   const std::string& where) {
  auto contains = [](const std::vector<std::string>& names, const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  std::vector<HarnessTarget> out;
  for (const std::string& name : referenced) {
    std::optional<HarnessTarget> wanted = parse_harness_target(name);
    if (!wanted) continue;
    bool is_bin = std::any_of(packages.begin(), packages.end(), [&](const Package* p) { return contains(p->bins, name); });
    if (is_bin) continue;
    for (const Package* p : packages) {
      const auto& names = wanted->kind == HarnessTarget::Kind::Test ? p->tests : p->benches;
      if (contains(names, wanted->name)) {
        wanted->package_id = p->id;
        break;
      }
    }
    if (wanted->package_id.empty()) {
      std::vector<std::string> available;
      for (const Package* p : packages) {
        for (const std::string& t : p->tests) available.push_back(t + ".test");
        for (const std::string& b : p->benches) available.push_back(b + ".bench");
      }
      throw UsageError(where + "a workload runs ${bin:" + name + "}, but the package has no " + wanted->cargo_kind() +
                       " target '" + wanted->name + "' (" +
                       (wanted->kind == HarnessTarget::Kind::Test ? "tests/" : "benches/") + wanted->name +
                       ".rs or a [[" + wanted->cargo_kind() + "]] section); its test and bench binaries: " +
                       (available.empty() ? "none" : join(available, ", ")));
    }
    out.push_back(std::move(*wanted));
  }
  return out;
}

std::vector<std::string> target_selection_args(const std::vector<std::string>& targets,
                                               const std::vector<HarnessTarget>& harness) {
  std::vector<std::string> args;
  for (const std::string& t : targets) {
    auto h = std::find_if(harness.begin(), harness.end(), [&](const HarnessTarget& x) { return x.target() == t; });
    if (h == harness.end()) args.insert(args.end(), {"--bin", t});
    else args.insert(args.end(), {std::string("--") + h->cargo_kind(), h->name});
  }
  return args;
}

}  // namespace pgo::cargo
