#include "dac/answer_cache.h"

#include <cstdint>
#include <string>

#include "gtest/gtest.h"

namespace ddcrash::dac {
namespace {

TEST(AnswerCacheTest, ComputesEachKeyOnce) {
  AnswerCache<uint64_t, std::string> cache;
  int computed = 0;
  auto name = [&](uint64_t key) {
    return cache.Get(key, [&] {
      ++computed;
      return "m" + std::to_string(key);
    });
  };
  EXPECT_EQ(name(0x10), "m16");
  EXPECT_EQ(name(0x20), "m32");
  EXPECT_EQ(name(0x10), "m16");
  EXPECT_EQ(name(0x10), "m16");
  EXPECT_EQ(computed, 2);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST(AnswerCacheTest, KeepsEmptyAnswers) {
  // "The DAC does not know this address" is an answer too, and as costly to get.
  AnswerCache<uint64_t, std::string> cache;
  int computed = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(cache.Get(7, [&] {
      ++computed;
      return std::string();
    }),
              "");
  }
  EXPECT_EQ(computed, 1);
}

TEST(AnswerCacheTest, ReferencesSurviveLaterAnswers) {
  AnswerCache<int, std::string> cache;
  const std::string& first = cache.Get(1, [] { return std::string("first"); });
  // Enough keys to make a flat map rehash; this one is node-based.
  for (int i = 2; i < 1000; ++i) cache.Get(i, [i] { return std::to_string(i); });
  EXPECT_EQ(first, "first");
}

TEST(AnswerCacheTest, ComputeMayAskTheCacheItself) {
  AnswerCache<int, int> cache;
  const int& outer = cache.Get(2, [&] { return cache.Get(1, [] { return 10; }) + 1; });
  EXPECT_EQ(outer, 11);
  EXPECT_EQ(cache.Get(1, [] { return -1; }), 10);
}

TEST(AnswerCacheTest, DisabledComputesEveryTime) {
  AnswerCache<int, int> cache(false);
  int computed = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(cache.Get(5, [&] { return ++computed * 0 + 42; }), 42);
  }
  EXPECT_EQ(computed, 3);
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_EQ(cache.misses(), 3u);
}

}  // namespace
}  // namespace ddcrash::dac
