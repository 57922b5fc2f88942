// Replays testdata/maps_corpus (malformed and odd /proc/PID/maps inputs, also the seed corpus
// of maps_fuzzer): each must parse or fail cleanly, as its name says.
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ptrace/maps.h"
#include "tools/testing/corpus.h"

namespace ddcrash {
namespace {

constexpr char kCorpus[] = "ptrace/testdata/maps_corpus";

TEST(MapsCorpusTest, EveryInputParsesOrFailsAsNamed) {
  absl::StatusOr<std::vector<CorpusFile>> corpus = ReadCorpus(kCorpus, 10);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  for (const CorpusFile& file : *corpus) {
    absl::StatusOr<std::vector<Mapping>> maps = ParseMaps(file.bytes);
    // "bad_*" inputs must be rejected, "good_*" ones accepted.
    if (absl::StartsWith(file.name, "bad_")) {
      EXPECT_FALSE(maps.ok()) << file.name;
      EXPECT_TRUE(absl::IsInvalidArgument(maps.status())) << file.name << ": " << maps.status();
    } else {
      EXPECT_TRUE(maps.ok()) << file.name << ": " << maps.status();
    }
  }
}

}  // namespace
}  // namespace ddcrash
