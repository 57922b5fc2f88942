#include "report/scrubber.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

using ::testing::ElementsAre;

TEST(ScrubberTest, DefaultPatternScrubsSecretEnvironmentValues) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ASSERT_TRUE(scrubber.ok());
  EXPECT_THAT(scrubber->ScrubEnvironment({"PATH=/usr/bin", "AWS_SECRET_ACCESS_KEY=abc123",
                                          "DD_API_KEY=k", "GITHUB_TOKEN=t", "DB_PASSWORD=p",
                                          "ConnectionStrings__Main=Server=x;Password=y",
                                          "HOME=/root", "NOEQUALS"}),
              ElementsAre("PATH=/usr/bin", "AWS_SECRET_ACCESS_KEY=[scrubbed]",
                          "DD_API_KEY=[scrubbed]", "GITHUB_TOKEN=[scrubbed]",
                          "DB_PASSWORD=[scrubbed]", "ConnectionStrings__Main=[scrubbed]",
                          "HOME=/root", "NOEQUALS"));
}

TEST(ScrubberTest, ScrubsCommandLineOptionForms) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ASSERT_TRUE(scrubber.ok());
  EXPECT_THAT(scrubber->ScrubCommandLine({"/app/App", "--password", "hunter2", "--api-key=abc",
                                          "-Token", "t0k", "mode=fast", "secret=s", "--verbose",
                                          "plain"}),
              ElementsAre("/app/App", "--password", "[scrubbed]", "--api-key=[scrubbed]",
                          "-Token", "[scrubbed]", "mode=fast", "secret=[scrubbed]", "--verbose",
                          "plain"));
}

TEST(ScrubberTest, ScrubsUrlCredentials) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ASSERT_TRUE(scrubber.ok());
  EXPECT_THAT(scrubber->ScrubCommandLine({"postgres://alice:s3cret@db:5432/x",
                                          "http://host/a@b", "https://user@host/"}),
              ElementsAre("postgres://alice:[scrubbed]@db:5432/x", "http://host/a@b",
                          "https://user@host/"));
  EXPECT_THAT(scrubber->ScrubEnvironment({"DATABASE_URL=mysql://u:pw@h/db"}),
              ElementsAre("DATABASE_URL=mysql://u:[scrubbed]@h/db"));
}

TEST(ScrubberTest, ExtraPatternExtendsDefault) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("^MY_APP_");
  ASSERT_TRUE(scrubber.ok());
  EXPECT_THAT(scrubber->ScrubEnvironment({"MY_APP_LICENSE=l", "OTHER_MY_APP_X=1", "API_KEY=k"}),
              ElementsAre("MY_APP_LICENSE=[scrubbed]", "OTHER_MY_APP_X=1", "API_KEY=[scrubbed]"));
}

TEST(ScrubberTest, InvalidExtraPatternIsAClearError) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("(unclosed");
  ASSERT_FALSE(scrubber.ok());
  EXPECT_THAT(std::string(scrubber.status().message()), ::testing::HasSubstr("DDCRASH_SCRUB"));
}

}  // namespace
}  // namespace ddcrash
