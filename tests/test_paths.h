// Where the tests find the source tree, its test data and the pgo executable under test.
// The paths are compiled into one small file (test_paths.cc) rather than given to every test
// file as definitions: a test object then holds no path of its clone, so ccache reuses it in
// another clone of the project, and every test file has the flags the shared precompiled
// header was built with (tests/CMakeLists.txt).
#pragma once

#include <filesystem>

namespace pgo::test_paths {

std::filesystem::path source_dir();  // the project's source tree
std::filesystem::path test_data();   // tests/data in it
const char* pgo_binary();            // the pgo executable the end-to-end tests run

}  // namespace pgo::test_paths
