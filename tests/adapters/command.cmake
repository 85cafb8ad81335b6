# Command build-system adapter tests (included from tests/adapters/CMakeLists.txt).
pgo_add_test(command_env_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/command_env_test.cc
             LIBS pgo_adapter_command)
# Runs the real make and gcc on small projects in a temporary directory.
pgo_add_test(command_build_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/command_build_test.cc
             LIBS pgo_adapter_command)
