// support/hash: the streaming SHA-256 agrees with the one-shot one.
#include "support/hash.h"

#include <gtest/gtest.h>

namespace pgo {
namespace {

TEST(Sha256Stream, PiecesHashLikeTheWhole) {
  const std::string whole = "the quick brown fox jumps over the lazy dog\n";
  Sha256Stream stream;
  for (size_t at = 0; at < whole.size(); at += 7) stream.update(std::string_view(whole).substr(at, 7));
  EXPECT_EQ(stream.hex(), sha256_hex(whole));
}

TEST(Sha256Stream, NothingFedIsTheHashOfEmpty) {
  Sha256Stream stream;
  EXPECT_EQ(stream.hex(), sha256_hex(""));
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace pgo
