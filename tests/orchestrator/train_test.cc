#include "orchestrator/train.h"

#include <gtest/gtest.h>

namespace pgo {
namespace {

TEST(IntegerWeights, SmallestBecomesOneAndRatiosStay) {
  EXPECT_EQ(integer_weights({1.0, 2.0, 3.0}), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(integer_weights({0.5, 1.0, 2.5}), (std::vector<uint64_t>{1, 2, 5}));
  EXPECT_EQ(integer_weights({4.0, 4.0}), (std::vector<uint64_t>{1, 1}));
  EXPECT_EQ(integer_weights({1.0, 1.4}), (std::vector<uint64_t>{1, 1}));  // rounded
  EXPECT_TRUE(integer_weights({}).empty());
}

}  // namespace
}  // namespace pgo
