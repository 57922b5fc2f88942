// Replays testdata/process_credentials_corpus (also the seed corpus of
// process_credentials_fuzzer): "good_*" inputs parse, "bad_*" ones are InvalidArgument.
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ptrace/process_credentials.h"
#include "tools/testing/corpus.h"

namespace ddcrash {
namespace {

constexpr char kCorpus[] = "ptrace/testdata/process_credentials_corpus";

TEST(ProcessCredentialsCorpusTest, EveryInputParsesOrFailsAsNamed) {
  absl::StatusOr<std::vector<CorpusFile>> corpus = ReadCorpus(kCorpus, 8);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  for (const CorpusFile& file : *corpus) {
    absl::StatusOr<ProcessCredentials> credentials = ParseStatusCredentials(file.bytes);
    if (absl::StartsWith(file.name, "bad_")) {
      EXPECT_TRUE(absl::IsInvalidArgument(credentials.status())) << file.name;
    } else {
      EXPECT_TRUE(credentials.ok()) << file.name << ": " << credentials.status();
    }
  }
}

}  // namespace
}  // namespace ddcrash
