// workloads/bounded_output: a real child's streams through the FIFOs, kept bounded and hashed whole.
#include "workloads/bounded_output.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/atomic_file.h"
#include "support/hash.h"
#include "workloads/process.h"

namespace fs = std::filesystem;

namespace pgo {
namespace {

class BoundedOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-bounded-output-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `script` with its streams through a BoundedOutput of dir_/stdout and dir_/stderr.
  void run(const std::string& script, BoundedOutput& output) {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.stdout_file = output.target(0);
    spec.stderr_file = output.target(1);
    ASSERT_TRUE(runner_.run(spec).ok());
    output.finish();
  }

  fs::path dir_;
  SystemProcessRunner runner_;
};

TEST_F(BoundedOutputTest, SmallOutputIsKeptWholeAndHashed) {
  BoundedOutput output({dir_ / "stdout", dir_ / "stderr"});
  run("echo out; echo err >&2", output);
  EXPECT_EQ(read_file(dir_ / "stdout"), "out\n");
  EXPECT_EQ(read_file(dir_ / "stderr"), "err\n");
  EXPECT_EQ(output.sha256(0), sha256_hex("out\n"));
  EXPECT_EQ(output.total_bytes(1), 4u);
  EXPECT_FALSE(output.cut(0));
  for (const auto& e : fs::directory_iterator(dir_)) EXPECT_FALSE(e.is_fifo()) << e.path() << " left behind";
}

TEST_F(BoundedOutputTest, LargeOutputKeepsHeadAndTailButHashesEveryByte) {
  const size_t zeros = BoundedOutput::kHeadBytes + 1000000;
  BoundedOutput output({dir_ / "stdout", {}});
  EXPECT_TRUE(output.target(1).empty());
  run("printf 'start\\n'; head -c " + std::to_string(zeros) + " /dev/zero; printf 'end\\n'", output);
  const std::string whole = "start\n" + std::string(zeros, '\0') + "end\n";
  EXPECT_EQ(output.sha256(0), sha256_hex(whole));
  EXPECT_EQ(output.total_bytes(0), whole.size());
  EXPECT_TRUE(output.cut(0));
  const std::string kept = read_file(dir_ / "stdout");
  EXPECT_LE(kept.size(), BoundedOutput::kHeadBytes + BoundedOutput::kTailBytes + 1024);
  EXPECT_EQ(kept.substr(0, 6), "start\n");
  EXPECT_EQ(kept.substr(kept.size() - 4), "end\n");
  EXPECT_NE(kept.find("bytes of stdout left out here"), std::string::npos);
}

}  // namespace
}  // namespace pgo
