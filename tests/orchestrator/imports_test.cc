// `pgo import` and the imported profiles in the store (orchestrator/import.h, imports.h):
// argument checks, what a file is, which toolchain it serves, the manifest and the
// metadata's "parts". The real toolchains' files are imported in tests/e2e/import_e2e_test.cc.
#include "orchestrator/import.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/atomic_file.h"
#include "support/error.h"
#include "support/hash.h"
#include "tests/test_paths.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo {
namespace {

const fs::path kLlvmData = pgo::test_paths::test_data() / "llvm";

class ImportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-imports-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Config config(const std::string& system, const std::string& extra = "") const {
    std::string text = "version: 1\nbuild:\n  system: " + system + "\n" + extra +
                       (system == "cmake" ? "toolchains: [gcc, clang]\n" : "") + "workloads:\n  - name: a\n    run: [\"${bin:calc}\"]\n";
    write_file_atomic(dir_ / "pgo.yaml", text);
    return parse_config(text, dir_ / "pgo.yaml");
  }
  fs::path file(const std::string& name, const std::string& contents) const {
    write_file_atomic(dir_ / name, contents);
    return dir_ / name;
  }
  // The UsageError `body` throws; fails the test when it throws nothing or another code.
  template <typename F>
  std::string usage_error(F&& body) {
    try {
      body();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "no error";
    return "";
  }
  static ImportRequest request(const fs::path& file, const std::string& target, uint64_t weight = 1) {
    ImportRequest r;
    r.file = file;
    r.target = target;
    r.weight = weight;
    return r;
  }
  ImportedProfile entry(const std::string& file, uint64_t weight = 1) const {
    ImportedProfile p;
    p.file = file;
    p.sha256 = sha256_file(file);
    p.imported = "2025-03-01T10:00:00Z";
    p.weight = weight;
    p.toolchain = "go";
    p.format = "pprof";
    p.kind = "pprof";
    return p;
  }

  fs::path dir_;
};

TEST_F(ImportsTest, ProfileModesParseAndAnUnknownOneIsAUsageError) {
  EXPECT_EQ(parse_profile_mode("trained"), ProfileMode::Trained);
  EXPECT_EQ(parse_profile_mode(""), ProfileMode::Trained);
  EXPECT_EQ(parse_profile_mode("trained-only"), ProfileMode::TrainedOnly);
  EXPECT_EQ(parse_profile_mode("imported"), ProfileMode::Imported);
  for (const std::string& name : profile_mode_names()) EXPECT_EQ(to_string(parse_profile_mode(name)), name);
  EXPECT_NE(usage_error([] { parse_profile_mode("production"); }).find("trained, trained-only, imported"),
            std::string::npos);
}

TEST_F(ImportsTest, AFileIsKnownByItsFirstBytes) {
  EXPECT_EQ(sniff_import_kind(std::string("\x1f\x8b\x08\x00", 4)), ImportKind::Pprof);
  EXPECT_EQ(sniff_import_kind(read_file(kLlvmData / "v8_run_100.profraw").substr(0, 64)), ImportKind::Llvm);
  EXPECT_EQ(sniff_import_kind(std::string("\xfflprofi\x81", 8) + std::string(8, '\0')), ImportKind::Llvm);  // indexed
  EXPECT_EQ(sniff_import_kind("adcgB33*"), ImportKind::Gcda);  // GCC 12's .gcda, little-endian
  EXPECT_EQ(sniff_import_kind("hello, world"), ImportKind::Unknown);
}

TEST_F(ImportsTest, TheToolchainFollowsTheFileAndTheBuildSystem) {
  const fs::path f = dir_ / "p";
  EXPECT_EQ(import_toolchain(config("cmake"), ImportKind::Llvm, "", f), "clang");
  EXPECT_EQ(import_toolchain(config("cargo"), ImportKind::Llvm, "", f), "rust");
  EXPECT_EQ(import_toolchain(config("go"), ImportKind::Pprof, "", f), "go");
  EXPECT_EQ(import_toolchain(config("go"), ImportKind::Unknown, "go", f), "go");  // an uncompressed pprof, said so
  // Refusals name the file or the option, and say why.
  EXPECT_NE(usage_error([&] { import_toolchain(config("cmake"), ImportKind::Pprof, "", f); }).find(f.string()),
            std::string::npos);
  EXPECT_NE(usage_error([&] { import_toolchain(config("go"), ImportKind::Llvm, "go", f); }).find("cannot serve"),
            std::string::npos);
  EXPECT_NE(usage_error([&] { import_toolchain(config("cmake"), ImportKind::Llvm, "rust", f); })
                .find("build.system cmake, whose toolchains are gcc, clang"),
            std::string::npos);
  EXPECT_NE(usage_error([&] { import_toolchain(config("cmake"), ImportKind::Unknown, "", f); })
                .find("not a profile pgo recognizes"),
            std::string::npos);
}

TEST_F(ImportsTest, GccProfilesAreRefusedWithTheReason) {
  for (const char* requested : {"", "gcc"}) {
    std::string why = usage_error([&] { import_toolchain(config("cmake"), ImportKind::Gcda, requested, dir_ / "x.gcda"); });
    EXPECT_NE(why.find("GCC profiles cannot be imported"), std::string::npos) << why;
    EXPECT_NE(why.find(".gcno"), std::string::npos) << why;       // the checksums of that build
    EXPECT_NE(why.find("pgo train --shard"), std::string::npos) << why;  // what to do instead
  }
  // A directory of .gcda files is refused the same way.
  write_file_atomic(dir_ / "tree/obj/a.gcda", "adcg");
  std::string why = usage_error([&] { import_profile(config("cmake"), request(dir_ / "tree", "calc")); });
  EXPECT_NE(why.find("GCC profiles cannot be imported"), std::string::npos) << why;
}

TEST_F(ImportsTest, TargetNamesArePlainAndAmongBuildTargetsWhenListed) {
  usage_error([&] { check_import_target(config("cmake"), "../x"); });
  usage_error([&] { check_import_target(config("cmake"), ""); });
  EXPECT_NO_THROW(check_import_target(config("cmake"), "anything"));  // no build.targets: any name
  const Config listed = config("cmake", "  targets: [calc]\n");
  EXPECT_NO_THROW(check_import_target(listed, "calc"));
  EXPECT_NE(usage_error([&] { check_import_target(listed, "other"); }).find("build.targets"), std::string::npos);
}

TEST_F(ImportsTest, AWrongVersionOrDamagedFileIsRefusedNamingItAndTheStoreStaysAsItWas) {
  const Config c = config("cmake", "  targets: [calc]\n");
  // A raw profile of LLVM 14-17 (raw version 8): this pgo's LLVM 22 reads version 10 only.
  const fs::path v8 = kLlvmData / "v8_run_100.profraw";
  std::string why = usage_error([&] { import_profile(c, request(v8, "calc")); });
  EXPECT_NE(why.find(v8.string()), std::string::npos) << why;
  EXPECT_NE(why.find("raw profile version 8"), std::string::npos) << why;
  EXPECT_NE(why.find("LLVM 14-17"), std::string::npos) << why;
  // A gzip stream cut short, as an interrupted `curl` leaves it.
  const fs::path cut = file("cut.pprof", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x01\x02", 12));
  why = usage_error([&] { import_profile(config("go"), request(cut, "server")); });
  EXPECT_NE(why.find(cut.string()), std::string::npos) << why;
  const fs::path text = file("notes.txt", "not a profile\n");
  usage_error([&] { import_profile(c, request(text, "calc")); });
  usage_error([&] { import_profile(c, request(dir_ / "absent.profraw", "calc")); });
  usage_error([&] { import_profile(c, request(v8, "calc", 0)); });  // weight 0
  EXPECT_FALSE(fs::exists(dir_ / ".pgo/profiles"));
}

TEST_F(ImportsTest, ImportsAreContentAddressedAndTheManifestRecordsWhereEachCameFrom) {
  const Config c = config("go");
  ProfileStore store(dir_ / ".pgo");
  const fs::path a = file("a.pprof", "profile a"), b = file("b.pprof", "profile b");
  add_import(store, "server", a, ".pprof", entry(a.string(), 2), false);
  std::vector<ImportedProfile> all = add_import(store, "server", b, ".pprof", entry(b.string()), false);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].stored, "go." + sha256_file(a).substr(0, 16) + ".pprof");
  EXPECT_EQ(read_file(imported_file(store, "server", all[1])), "profile b");

  std::vector<ImportedProfile> back = read_imports(store, "server", "go");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].file, a.string());
  EXPECT_EQ(back[0].sha256, sha256_file(a));
  EXPECT_EQ(back[0].weight, 2u);
  EXPECT_EQ(back[0].imported, "2025-03-01T10:00:00Z");
  EXPECT_EQ(back[0].toolchain, "go");
  EXPECT_TRUE(read_imports(store, "server", "clang").empty());

  // The same content again replaces its entry (the new weight counts); --replace drops the rest.
  all = add_import(store, "server", a, ".pprof", entry(a.string(), 5), false);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all.back().weight, 5u);
  all = add_import(store, "server", b, ".pprof", entry(b.string()), true);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_FALSE(fs::exists(dir_ / ".pgo/profiles/server/imports" / ("go." + sha256_file(a).substr(0, 16) + ".pprof")));
}

TEST_F(ImportsTest, ADamagedManifestOrAMissingFileIsAUsageErrorNamingTheManifest) {
  ProfileStore store(dir_ / ".pgo");
  const fs::path manifest = imports_manifest(store, "server", "go");
  write_file_atomic(manifest, "{not json");
  EXPECT_NE(usage_error([&] { read_imports(store, "server", "go"); }).find(manifest.string()), std::string::npos);
  const fs::path a = file("a.pprof", "profile a");
  std::vector<ImportedProfile> all = add_import(store, "server", a, ".pprof", entry(a.string()), true);
  fs::remove(imported_file(store, "server", all[0]));
  EXPECT_NE(usage_error([&] { read_imports(store, "server", "go"); }).find("is missing"), std::string::npos);
  // A stored name that would leave the imports directory.
  json j = {{"schema", "pgo-imports/1"}, {"imports", {to_json(all[0])}}};
  j["imports"][0]["stored"] = "../../x";
  write_file_atomic(manifest, j.dump());
  EXPECT_NE(usage_error([&] { read_imports(store, "server", "go"); }).find("not a file name"), std::string::npos);
}

TEST_F(ImportsTest, ABuildTakesEveryBuiltTargetsImportsOnceWithTheirWeights) {
  ProfileStore store(dir_ / ".pgo");
  const fs::path a = file("a.pprof", "profile a"), b = file("b.pprof", "profile b");
  add_import(store, "server", a, ".pprof", entry(a.string(), 3), false);
  add_import(store, "client", a, ".pprof", entry(a.string(), 3), false);  // the same profile for two targets
  add_import(store, "client", b, ".pprof", entry(b.string()), false);
  add_import(store, "other", b, ".pprof", entry(b.string()), false);  // not built
  std::vector<WeightedInput> inputs;
  std::vector<ImportedProfile> used = imports_for_build(store, {"server", "client"}, "go", &inputs);
  ASSERT_EQ(used.size(), 2u);
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_EQ(inputs[0].weight, 3u);
  EXPECT_EQ(read_file(inputs[0].path), "profile a");
  EXPECT_EQ(read_file(inputs[1].path), "profile b");
}

TEST_F(ImportsTest, PartsRecordTheTrainingAndEachImportAndTheAgeIsTheOldestPart) {
  ImportedProfile p = entry(file("a.pprof", "a").string(), 4);
  p.imported = "2025-02-01T00:00:00Z";
  json meta = {{"created", "2025-03-01T00:00:00Z"},
               {"parts", profile_parts("training", 6, "2025-03-01T00:00:00Z", {p})}};
  ASSERT_EQ(meta["parts"].size(), 2u);
  EXPECT_EQ(meta["parts"][0]["source"], "training");
  EXPECT_EQ(meta["parts"][0]["raw_profiles"], 6);
  EXPECT_EQ(meta["parts"][1]["source"], "imported");
  EXPECT_EQ(meta["parts"][1]["weight"], 4);
  EXPECT_EQ(meta["parts"][1]["sha256"], p.sha256);
  EXPECT_EQ(meta["parts"][1]["file"], p.file);
  EXPECT_EQ(oldest_part_time(meta), "2025-02-01T00:00:00Z");
  EXPECT_EQ(imported_part_digests(meta), std::vector<std::string>{p.sha256});
  EXPECT_EQ(imported_part_digests(meta), import_digests({p}));
  // `--profile imported`: no training part; metadata of older pgo: no parts, its creation.
  EXPECT_EQ(profile_parts("", 0, "2025-03-01T00:00:00Z", {p}).size(), 1u);
  EXPECT_EQ(oldest_part_time(json{{"created", "2025-03-01T00:00:00Z"}}), "2025-03-01T00:00:00Z");
}

TEST_F(ImportsTest, StatusNotesSayWhatTheProfileHoldsAndWhatIsNotMergedYet) {
  ProfileStore store(dir_ / ".pgo");
  const fs::path a = file("a.pprof", "profile a");
  ImportedProfile p = add_import(store, "server", a, ".pprof", entry(a.string()), false).back();
  json meta = {{"created", "2025-03-01T00:00:00Z"}, {"parts", profile_parts("training", 1, "2025-03-01T00:00:00Z", {})}};
  std::vector<std::string> notes = import_notes(store, "server", "go", meta);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("1 imported profile(s) in the store differ"), std::string::npos) << notes[0];
  meta["parts"] = profile_parts("training", 1, "2025-03-01T00:00:00Z", {p});
  notes = import_notes(store, "server", "go", meta);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("holds imported profile(s): a.pprof"), std::string::npos) << notes[0];
}

}  // namespace
}  // namespace pgo
