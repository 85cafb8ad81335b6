# Go adapter (adapters/go) and pprof profile format (adapters/pprof); included from
# tests/adapters/CMakeLists.txt. All but go_tool_test build and run real Go programs.
pgo_add_test(go_tool_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/go_tool_test.cc LIBS pgo_adapter_go)
pgo_add_test(pprof_reader_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/pprof_reader_test.cc LIBS pgo_adapter_go)
pgo_add_test(pprof_format_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/pprof_format_test.cc LIBS pgo_adapter_go)
pgo_add_test(go_hook_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/go_hook_test.cc LIBS pgo_adapter_go)
# The Go function match of `pgo status`: pure comparison and parsing; the analyzer with go.
pgo_add_test(go_match_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/go_match_test.cc LIBS pgo_adapter_pprof)
pgo_add_test(go_analyzer_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/go_analyzer_test.cc LIBS pgo_adapter_go)
