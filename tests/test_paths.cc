#include "tests/test_paths.h"

namespace pgo::test_paths {

std::filesystem::path source_dir() { return PGO_SOURCE_DIR; }
std::filesystem::path test_data() { return PGO_SOURCE_DIR "/tests/data"; }
const char* pgo_binary() { return PGO_BINARY; }

}  // namespace pgo::test_paths
