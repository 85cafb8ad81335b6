# CMake build-system adapter tests (included from tests/adapters/CMakeLists.txt).
pgo_add_test(cmake_file_api_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/cmake_file_api_test.cc
             LIBS pgo_adapter_cmake)
pgo_add_test(cmake_flags_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/cmake_flags_test.cc
             LIBS pgo_adapter_cmake)
pgo_add_test(cmake_fake_build_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/cmake_fake_build_test.cc
             LIBS pgo_adapter_cmake)
# Runs the real cmake, ninja and gcc on small projects in a temporary directory.
pgo_add_test(cmake_build_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/cmake_build_test.cc
             LIBS pgo_adapter_cmake)
