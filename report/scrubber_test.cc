#include "report/scrubber.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
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

TEST(ScrubberTest, AnAssemblysPublicKeyTokenIsNotASecret) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ASSERT_TRUE(scrubber.ok());
  const std::string message =
      "Could not resolve type 'A.B' in assembly 'A, Version=1.0.0.0, Culture=neutral, "
      "PublicKeyToken=null'.";
  EXPECT_EQ(scrubber->ScrubText(message), message);
  EXPECT_EQ(scrubber->ScrubText("AccessToken=abc"), "AccessToken=[scrubbed]");
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

TEST(ScrubberTest, SecretNameForms) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ASSERT_TRUE(scrubber.ok());
  for (const char* name : {"DB_PASS", "SMTP_PASS", "pass", "MYSQL_PWD", "REDIS_PW", "STRIPE_SK",
                           "SK_LIVE", "AZURE_SIG", "APP_JWT", "PASSPHRASE", "SLACK_WEBHOOK_URL",
                           "Jwt:Key", "sig", "X-Amz-Signature", "client_secret"}) {
    EXPECT_TRUE(scrubber->IsSecretName(name)) << name;
  }
  for (const char* name : {"PATH", "BYPASS_CACHE", "COMPASS", "DISK_SIZE", "SIGNAL", "PASSIVE",
                           "LANG", "HOME", "DOTNET_gcServer", "ASPNETCORE_URLS", "port"}) {
    EXPECT_FALSE(scrubber->IsSecretName(name)) << name;
  }
}

// The 19 cases name-based scrubbing missed (issue 13), and the other value shapes.
TEST(ScrubberTest, ScrubsSecretsByValue) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ASSERT_TRUE(scrubber.ok());
  const std::pair<const char*, const char*> cases[] = {
      {"mongodb://u:p@ss@h/db", "mongodb://u:[scrubbed]@h/db"},
      {"postgres://u:pa/ss@h:5432/db", "postgres://u:[scrubbed]@h:5432/db"},
      {"a mongodb://u:p1@h1:27017,h2/db and redis://:p2@cache:6379/0",
       "a mongodb://u:[scrubbed]@h1:27017,h2/db and redis://:[scrubbed]@cache:6379/0"},
      {"amqp://u:p1@h1,amqp://u2:p2@h2", "amqp://u:[scrubbed]@h1,amqp://u2:[scrubbed]@h2"},
      {"Server=db;Database=app;User Id=sa;Password=Hunter2!;Encrypt=true",
       "Server=db;Database=app;User Id=sa;Password=[scrubbed];Encrypt=true"},
      {"Host=h;Pwd = \"a b;c\";Port=5432", "Host=h;Pwd = [scrubbed];Port=5432"},
      {"Driver={x};PWD={a;b};", "Driver={x};PWD=[scrubbed];"},
      {"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=q1w2e3r4==;EndpointSuffix=x",
       "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=[scrubbed];EndpointSuffix=x"},
      {"https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2030&sp=r&sig=AbC%2Fd%3D",
       "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2030&sp=r&sig=[scrubbed]"},
      {"GET /cb?code=4/0AX4&state=s failed", "GET /cb?code=[scrubbed]&state=s failed"},
      {"https://api/x?access_token=t0k&api_key=k3y#frag",
       "https://api/x?access_token=[scrubbed]&api_key=[scrubbed]#frag"},
      {"token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here", "token [scrubbed] here"},
      {"Authorization: Bearer abc.def-123", "Authorization: [scrubbed]"},
      {"sent Bearer Zm9vYmFyYmF6 to it", "sent Bearer [scrubbed] to it"},
      {"header Basic dXNlcjpwYXNz sent", "header Basic [scrubbed] sent"},
      {"X-Api-Key: 0123456789", "X-Api-Key: [scrubbed]"},
      {"https://hooks.slack.com/services/T000/B000/XXXXXXXX",
       "https://hooks.slack.com/services/[scrubbed]"},
      {"https://discord.com/api/webhooks/123/abc-DEF", "https://discord.com/api/webhooks/[scrubbed]"},
      {"key AKIAIOSFODNN7EXAMPLE used", "key [scrubbed] used"},
      {"https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/o/r.git",
       "https://[scrubbed]@github.com/o/r.git"},
      {"xoxb-123456789012-abcdefABCDEF", "[scrubbed]"},
      {"sk_live_0123456789abcdefABCD", "[scrubbed]"},
      {"{\"user\": \"bob\", \"password\": \"p\\\"w\"}",
       "{\"user\": \"bob\", \"password\": \"[scrubbed]\"}"},
      {"-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
       "-----BEGIN RSA PRIVATE KEY-----[scrubbed]-----END RSA PRIVATE KEY-----"},
      {"login failed: password=s3cr3t for bob", "login failed: password=[scrubbed] for bob"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(scrubber->ScrubText(in), want) << in;
}

TEST(ScrubberTest, ScrubsPasswordOptionsAndHeadersInArguments) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ASSERT_TRUE(scrubber.ok());
  EXPECT_THAT(scrubber->ScrubCommandLine({"app", "--pass", "x1", "-p", "hunter2", "-p", "5432",
                                          "-H", "Authorization: Bearer abcdefgh1",
                                          "--db-password=y", "--conn", "Server=s;Password=z",
                                          "https://h/?token=t&page=2", "-u", "bob:pw1",
                                          "--user", "alice", "-u", "carol:"}),
              ElementsAre("app", "--pass", "[scrubbed]", "-p", "[scrubbed]", "-p", "5432", "-H",
                          "Authorization: [scrubbed]", "--db-password=[scrubbed]", "--conn",
                          "Server=s;Password=[scrubbed]", "https://h/?token=[scrubbed]&page=2",
                          "-u", "bob:[scrubbed]", "--user", "alice", "-u", "carol:[scrubbed]"));
  EXPECT_THAT(scrubber->ScrubEnvironment({"DB_PASS=a", "APP_DB=Host=h;Password=b",
                                          "CALLBACK=https://x/y?token=c&z=1"}),
              ElementsAre("DB_PASS=[scrubbed]", "APP_DB=Host=h;Password=[scrubbed]",
                          "CALLBACK=https://x/y?token=[scrubbed]&z=1"));
}

// Ordinary values survive unchanged.
TEST(ScrubberTest, KeepsOrdinaryValues) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ASSERT_TRUE(scrubber.ok());
  const std::vector<std::string> environment = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "ASPNETCORE_URLS=http://+:8080",
      "ASPNETCORE_ENVIRONMENT=Production",
      "DOTNET_gcServer=1",
      "DOTNET_TieredPGO=0",
      "DOTNET_ROOT=/usr/share/dotnet",
      "LANG=C.UTF-8",
      "TERM=xterm-256color",
      "HOSTNAME=3f2a9c1d7e55",
      "HOME=/home/app",
      "NUGET_PACKAGES=/root/.nuget/packages",
      "LS_COLORS=rs=0:di=01;34:ln=01;36:mh=00:pi=40;33:*.tar=01;31",
      "MYSQL_VERSION=8.0.31",
      "RUN_ID=6f1c2e3a-9b8d-4c7e-a1f0-3d2b5c6e7f80",
      "SERVICE_URL=https://api.example.com:443/v1/items?page=2&sort=asc",
      "GIT_REPO=git@github.com:org/repo.git",
      "CONTACT=ops@example.com",
      "DB=Server=db;Database=app;User Id=sa;Encrypt=true",
  };
  EXPECT_EQ(scrubber->ScrubEnvironment(environment), environment);
  const std::vector<std::string> argv = {"/app/App", "--urls", "http://0.0.0.0:5000",
                                         "http://localhost:5000", "-p", "8080", "--port=8080",
                                         "http://host/a@b", "http://host:8080/a@b",
                                         "https://user@host/", "/var/log/app.log", "-v",
                                         "--Logging:LogLevel:Default=Warning", "-pthread"};
  EXPECT_EQ(scrubber->ScrubCommandLine(argv), argv);
  for (const char* text :
       {"The given key 'Foo' was not present in the dictionary.",
        "   at Ddcrash.TestApp.Crasher.Run(String key) in /src/Crasher.cs:line 42\n"
        "   at Ddcrash.TestApp.Program.Main(String[] args)",
        "Basic authentication failed", "Bearer token missing",
        "Object reference not set to an instance of an object.", ".NET ThreadPool Worker",
        "Could not find file '/app/missing.txt'.", "exit code=3 after 8.0.31",
        "Value cannot be null. (Parameter 'password')", "build 0123456789abcdef0123456789abcdef"}) {
    EXPECT_EQ(scrubber->ScrubText(text), text);
  }
}

// Scrubbing is one forward walk: a megabyte of the worst shapes for each pass takes time in
// proportion to its size, not its square.
TEST(ScrubberTest, TimeIsLinearInTheText) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ASSERT_TRUE(scrubber.ok());
  for (const char* unit : {"a=", "password=\"", "a://u:", "a://u:x@", "-----BEGIN PRIVATE KEY-----",
                           "?token=", "\"password\":\"", "Bearer ", "eyJaaaa.", "x:", "@"}) {
    std::string text;
    while (text.size() < (1u << 20)) text += unit;
    const absl::Time start = absl::Now();
    const std::string scrubbed = scrubber->ScrubText(text);
    EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << unit;
    EXPECT_FALSE(scrubbed.empty());
  }
}

TEST(ScrubberTest, InvalidExtraPatternIsAClearError) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("(unclosed");
  ASSERT_FALSE(scrubber.ok());
  EXPECT_THAT(std::string(scrubber.status().message()), ::testing::HasSubstr("DDCRASH_SCRUB"));
}

}  // namespace
}  // namespace ddcrash
