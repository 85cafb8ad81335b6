# GCC profile format adapter (adapters/gcc); included from tests/adapters/CMakeLists.txt.
pgo_add_test(gcc_gcda_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/gcc_gcda_test.cc LIBS pgo_gcda)
pgo_add_test(gcc_format_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/gcc_format_test.cc
             ${CMAKE_CURRENT_LIST_DIR}/gcc_merge_test.cc LIBS pgo_adapter_gcc)
pgo_add_test(gcc_pgo_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/gcc_pgo_test.cc LIBS pgo_adapter_gcc)
