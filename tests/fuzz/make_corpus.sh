#!/usr/bin/env bash
# Regenerates the seed corpora in tests/fuzz/corpus/<target>/ from the test data and from
# real compiler output. The seeds are committed; run this only to refresh them.
# Needs gcc/g++ 12+, clang-22, llvm-profdata-22, go 1.21+ and python3 (for the CMake reply bundles).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=$root/tests/data
out=$here/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf "$out"
mkdir -p "$out"/{config,gcda,gcno,cmake_reply,raw_header,pprof}

# pgo.yaml: the test configs and the examples' files.
cp "$data"/config/*.yaml "$out/config/"
cp "$root/examples/c-cmake/pgo.yaml" "$out/config/example-c.yaml"
cp "$root/examples/cpp-cmake/pgo.yaml" "$out/config/example-cpp.yaml"

# GCC: the recorded files, plus notes and data of a C++ file (mangled names, value profiles).
cp "$data"/gcc/*.gcda "$out/gcda/"
cp "$data"/gcc/*.gcno "$out/gcno/"
(cd "$tmp" && g++ -O2 -fprofile-generate="$tmp/prof" -fprofile-update=single -ftest-coverage \
   -c "$data/gcc/values.cc" -o values.o && g++ -fprofile-generate values.o -o values && ./values >/dev/null)
cp "$tmp/values.gcno" "$out/gcno/values.gcno"

# LLVM: the recorded version-8 raw profiles, a version-10 raw profile and an indexed profile
# written by clang-22 / llvm-profdata-22.
cp "$data"/llvm/*.profraw "$out/raw_header/"
clang-22 -O1 -fprofile-generate "$data/llvm/v8_program.c" -o "$tmp/prog"
LLVM_PROFILE_FILE="$tmp/clang22.profraw" "$tmp/prog" 5 >/dev/null
cp "$tmp/clang22.profraw" "$out/raw_header/clang22_v10.profraw"
llvm-profdata-22 merge -o "$out/raw_header/clang22.profdata" "$tmp/clang22.profraw"

# CMake File API: recorded replies bundled into one input each ("@@ <name>" per file, see
# fuzz_cmake_reply.cc), compacted, with the 22 KB cache cut to a few entries.
python3 - "$data/cmake/reply" "$out/cmake_reply" <<'PY'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
files = {n: json.load(open(os.path.join(src, n))) for n in sorted(os.listdir(src)) if n.endswith(".json")}
keep = {"CMAKE_BUILD_TYPE", "CMAKE_C_COMPILER", "CMAKE_CXX_COMPILER", "CMAKE_PROJECT_NAME"}
for name, doc in files.items():
    if name.startswith("cache-"):
        doc["entries"] = [e for e in doc["entries"] if e["name"] in keep]
        doc["entries"].append({"name": "PGO_THREADS_TARGETS", "type": "INTERNAL", "value": "pool;worker",
                               "properties": []})
def bundle(fs):
    return "".join(f"@@ {n}\n{json.dumps(d, separators=(',', ':'), sort_keys=True)}\n" for n, d in fs.items())
def write(name, fs):
    with open(os.path.join(dst, name), "w") as f:
        f.write(bundle(fs))
write("recorded", files)
# Only what the parsers read, with short names.
index = next(d for n, d in files.items() if n.startswith("index-"))
small = {
    "index-1.json": {"reply": {"client-pgo": {k: {"jsonFile": f"{k}.json"} for k in
                                             ("codemodel-v2", "toolchains-v1", "cache-v2")}}},
    "codemodel-v2.json": {"paths": {"source": "/s", "build": "/b"},
                          "configurations": [{"name": "Release", "targets": [{"jsonFile": "t1.json"}, {"jsonFile": "t2.json"}]},
                                             {"name": "Debug", "targets": [{"jsonFile": "t1.json"}]}]},
    "t1.json": {"name": "app", "type": "EXECUTABLE", "nameOnDisk": "app", "isGeneratorProvided": False,
                "artifacts": [{"path": "app"}],
                "link": {"language": "CXX", "commandFragments": [{"fragment": "-Wl,--as-needed -pthread"},
                                                                {"fragment": "/usr/lib/libpthread.so.0"}]}},
    "t2.json": {"name": "lib", "type": "STATIC_LIBRARY", "artifacts": [{"path": "liblib.a"}]},
    "toolchains-v1.json": {"toolchains": [{"language": "CXX", "compiler": {"id": "Clang", "path": "/usr/bin/clang++", "version": "22.1.0"}},
                                          {"language": "C", "compiler": {"id": "GNU", "path": "/usr/bin/gcc"}}]},
    "cache-v2.json": {"entries": [{"name": "PGO_THREADS_TARGETS", "type": "INTERNAL", "value": "app;;lib"},
                                  {"name": "X", "value": ""}]},
}
write("small", small)
PY

# pprof: CPU profiles of examples/go-module's benchmarks written by Go's runtime/pprof, one
# merged by go tool pprof -proto, and the plain (uncompressed) protobuf of the first.
(cd "$root/examples/go-module" && go test -c -o "$tmp/kernels.test" ./kernels)
"$tmp/kernels.test" -test.run='^$' -test.bench=. -test.benchtime=3x -test.cpuprofile="$out/pprof/go_bench_cpu.pprof" >/dev/null
"$tmp/kernels.test" -test.run='^$' -test.bench=Probe -test.benchtime=3x -test.cpuprofile="$tmp/probe.pprof" >/dev/null
go tool pprof -proto -symbolize=none "$out/pprof/go_bench_cpu.pprof" "$tmp/probe.pprof" >"$out/pprof/go_merged.pprof"
python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.decompress(open(sys.argv[1], "rb").read()))' \
  "$out/pprof/go_bench_cpu.pprof" >"$out/pprof/go_bench_cpu_plain.pb"

find "$out" -type f | sort | xargs wc -c
