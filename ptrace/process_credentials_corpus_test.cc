// Replays testdata/process_credentials_corpus (also the seed corpus of
// process_credentials_fuzzer): "good_*" inputs parse, "bad_*" ones are InvalidArgument.
#include <dirent.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ptrace/process_credentials.h"

namespace ddcrash {
namespace {

constexpr char kCorpus[] = "ptrace/testdata/process_credentials_corpus";

TEST(ProcessCredentialsCorpusTest, EveryInputParsesOrFailsAsNamed) {
  DIR* dir = opendir(kCorpus);
  ASSERT_NE(dir, nullptr) << "missing " << kCorpus;
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') names.push_back(entry->d_name);
  }
  closedir(dir);
  ASSERT_GE(names.size(), 8u);
  for (const std::string& name : names) {
    std::ifstream in(std::string(kCorpus) + "/" + name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    absl::StatusOr<ProcessCredentials> credentials = ParseStatusCredentials(text.str());
    if (absl::StartsWith(name, "bad_")) {
      EXPECT_TRUE(absl::IsInvalidArgument(credentials.status())) << name;
    } else {
      EXPECT_TRUE(credentials.ok()) << name << ": " << credentials.status();
    }
  }
}

}  // namespace
}  // namespace ddcrash
