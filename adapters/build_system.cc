#include "adapters/build_system.h"

namespace pgo {

const char* to_string(BuildKind kind) {
  switch (kind) {
    case BuildKind::Baseline: return "baseline";
    case BuildKind::Instrumented: return "instrumented";
    case BuildKind::Optimized: return "optimized";
  }
  return "unknown";
}

}  // namespace pgo
