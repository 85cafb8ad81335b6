// How a merge treats a bad input (pgo.yaml merge.failure_mode): a value the configuration
// chooses and every ProfileFormat's merge obeys, so it lives below both.
#pragma once

#include <string>

namespace pgo {

enum class FailureMode { Any, All, Warn };  // fail on any bad input / only if all are bad / warn

inline std::string to_string(FailureMode mode) {
  switch (mode) {
    case FailureMode::Any: return "any";
    case FailureMode::All: return "all";
    case FailureMode::Warn: return "warn";
  }
  return "any";
}

}  // namespace pgo
