#include "adapters/function_match.h"

#include <algorithm>
#include <map>
#include <set>

namespace pgo {

const char* to_string(FunctionChange change) {
  switch (change) {
    case FunctionChange::Unchanged: return "unchanged";
    case FunctionChange::Changed: return "changed";
    case FunctionChange::Removed: return "removed";
  }
  return "changed";
}

double FunctionMatch::function_match() const {
  return functions == 0 ? 1.0 : static_cast<double>(unchanged) / static_cast<double>(functions);
}

double FunctionMatch::weighted_match() const {
  if (total_count == 0) return function_match();
  return static_cast<double>(unchanged_count) / static_cast<double>(total_count);
}

double FunctionMatch::compared_share() const {
  if (profile_count == 0) return 1.0;
  return std::min(1.0, static_cast<double>(total_count) / static_cast<double>(profile_count));
}

namespace {

uint64_t saturating_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace

FunctionMatch compare_functions(const std::vector<ProfiledFunction>& stored,
                                const std::vector<CurrentFunction>& current) {
  std::map<std::string, std::set<uint64_t>> now;
  for (const auto& f : current) now[f.key].insert(f.checksum);
  std::set<std::string> profiled;
  FunctionMatch m;
  m.available = true;
  for (const auto& f : stored) {
    profiled.insert(f.key);
    ++m.functions;
    m.total_count = saturating_add(m.total_count, f.count);
    auto it = now.find(f.key);
    FunctionChange change = it == now.end()                 ? FunctionChange::Removed
                            : it->second.count(f.checksum) ? FunctionChange::Unchanged
                                                           : FunctionChange::Changed;
    if (change == FunctionChange::Unchanged) {
      ++m.unchanged;
      m.unchanged_count = saturating_add(m.unchanged_count, f.count);
      continue;
    }
    ++(change == FunctionChange::Changed ? m.changed : m.removed);
    m.mismatched.push_back({f.name.empty() ? f.key : f.name, change, f.count, 0});
  }
  for (const auto& [key, sums] : now)
    if (!profiled.count(key)) ++m.added;
  for (auto& mm : m.mismatched)
    mm.share = m.total_count == 0 ? 0 : static_cast<double>(mm.count) / static_cast<double>(m.total_count);
  std::stable_sort(m.mismatched.begin(), m.mismatched.end(),
                   [](const MismatchedFunction& a, const MismatchedFunction& b) {
                     return a.count != b.count ? a.count > b.count : a.name < b.name;
                   });
  return m;
}

}  // namespace pgo
