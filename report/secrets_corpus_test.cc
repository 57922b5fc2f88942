// The secrets corpus: realistic secrets planted in the environment, the command line,
// exception messages and stack traces (top-level, per thread, inner) and thread names, run
// through the real ReportBuilder; the serialized report's bytes hold none of them, nor any
// distinctive piece of one, while ordinary values arrive unchanged.
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/report_builder.h"
#include "report/scrubber.h"

namespace ddcrash {
namespace {

enum class Where { kEnv, kArgv, kMessage, kStackTrace, kThreadException, kInnerException,
                   kOtherThreadName };

struct Plant {
  Where where;
  std::vector<std::string> parts;  // the entries (argv: consecutive arguments)
  std::string secret;              // what must not reach the report
};

const std::vector<Plant>& Corpus() {
  static const auto* corpus = new std::vector<Plant>{
      {Where::kEnv, {"DB_PASS=Qm7!xv2Lp"}, "Qm7!xv2Lp"},
      {Where::kEnv, {"SMTP_PASS=Rt5#ww8Kd"}, "Rt5#ww8Kd"},
      {Where::kEnv, {"MYSQL_PWD=Vn3$kk9Hs"}, "Vn3$kk9Hs"},
      {Where::kEnv, {"STRIPE_SK=sk_live_51HxQa8JpLmN2oPqRsTuVwXy"}, "51HxQa8JpLmN2oPqRsTuVwXy"},
      {Where::kEnv, {"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
       "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
      {Where::kEnv, {"DATABASE_URL=postgres://app:pa/ss7Gq@db:5432/app"}, "pa/ss7Gq"},
      {Where::kEnv, {"MONGO_URL=mongodb://u:p@ss9Wz@h1:27017,h2/db"}, "p@ss9Wz"},
      {Where::kEnv, {"ConnectionStrings__Default=Server=db;Password=Cs1Qz8Main"}, "Cs1Qz8Main"},
      {Where::kEnv, {"APP_DB=Host=h;Username=u;Password=Lm4&Ty8"}, "Lm4&Ty8"},
      {Where::kEnv,
       {"STORAGE=DefaultEndpointsProtocol=https;AccountName=a;"
        "AccountKey=Yq8Rz3Wd5Ff7Gh9Jk1Lm3Np5Qr7St9Uv1Wx3Yz5Ab==;EndpointSuffix=core.windows.net"},
       "Yq8Rz3Wd5Ff7Gh9Jk1Lm3Np5Qr7St9Uv1Wx3Yz5Ab"},
      {Where::kEnv,
       {"BLOB_URL=https://a.blob.core.windows.net/c?sv=2022-11-02&sr=c&sig=Hq3Jk5Lm7Np9Qr1St3%3D"},
       "Hq3Jk5Lm7Np9Qr1St3"},
      {Where::kEnv, {"ALERTS=https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/Xy7Zq9Wv3Ut5Sr"},
       "T01ABCDEF/B02GHIJKL/Xy7Zq9Wv3Ut5Sr"},
      {Where::kEnv, {"NOTIFY=https://discord.com/api/webhooks/112233445566/Ab3Cd5Ef7Gh9Ij1Kl3"},
       "112233445566/Ab3Cd5Ef7Gh9Ij1Kl3"},
      {Where::kEnv, {"GH=ghp_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2"},
       "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2"},
      {Where::kEnv, {"SLACK_BOT=xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"},
       "1234567890-0987654321-AbCdEfGhIjKlMnOp"},
      {Where::kEnv, {"AWS_ID=AKIAQ3EGHJ4K5L6M7N8P"}, "AKIAQ3EGHJ4K5L6M7N8P"},
      {Where::kEnv, {"OIDC=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.Sg7Hj9Kl1Mn3Pq5Rs7"},
       "eyJzdWIiOiJhbGljZSJ9.Sg7Hj9Kl1Mn3Pq5Rs7"},
      {Where::kEnv, {"REDIS=redis://:Rd7Cache9Pw@cache:6379/0"}, "Rd7Cache9Pw"},
      {Where::kEnv, {"AMQP=amqp://guest:Bq4Rabbit8@mq:5672/,amqp://svc:Sv2Second6@mq2:5672/"},
       "Bq4Rabbit8"},
      {Where::kEnv, {"AMQP2=amqp://guest:Bq5Rabbit9@mq:5672/ amqp://svc:Sv3Second7@mq2/"},
       "Sv3Second7"},
      {Where::kEnv, {"CALLBACK=https://app/cb?code=Oa5Code7Xy&state=1"}, "Oa5Code7Xy"},
      {Where::kEnv, {"MAPS=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"},
       "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"},
      {Where::kEnv, {"CFG={\"user\":\"svc\",\"password\":\"Js8Quoted\\\"Pw2\"}"}, "Js8Quoted"},
      {Where::kEnv, {"NPMRC=//registry.npmjs.org/:_authToken=Np1Auth2Tok3n"}, "Np1Auth2Tok3n"},
      {Where::kEnv, {"GITLAB=glpat-Gl1Ab2Cd3Ef4Gh5Ij6Kl7"}, "Gl1Ab2Cd3Ef4Gh5Ij6Kl7"},
      {Where::kArgv, {"--password", "Ar1Hunter9"}, "Ar1Hunter9"},
      {Where::kArgv, {"--pass", "Ar2Pass7Zz"}, "Ar2Pass7Zz"},
      {Where::kArgv, {"-p", "Ar3Dash5Pp"}, "Ar3Dash5Pp"},
      {Where::kArgv, {"--api-key=Ar4Key8Qq"}, "Ar4Key8Qq"},
      {Where::kArgv, {"-H", "Authorization: Bearer Ar5Zq3Tok.en-9"}, "Ar5Zq3Tok.en-9"},
      {Where::kArgv, {"Authorization: Basic QXI2dXNlcjpwYXNzd29yZA=="}, "QXI2dXNlcjpwYXNzd29yZA"},
      {Where::kArgv, {"mysql://root:Ar7Mysql@4Db@db/app"}, "Ar7Mysql@4Db"},
      {Where::kArgv, {"--conn", "Server=s;Database=d;User Id=u;Password=\"Ar8 Conn;Str9\""},
       "Ar8 Conn;Str9"},
      {Where::kArgv, {"https://x-access-token:ghs_Ar9Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St@github.com/o/r"},
       "Ar9Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St"},
      {Where::kArgv, {"--token=Ar10Tok3n"}, "Ar10Tok3n"},
      {Where::kArgv, {"-Secret", "Ar11Sec"}, "Ar11Sec"},
      {Where::kArgv, {"https://api.x.io/v1?access_token=Ar12Qx7Lm99&x=1"}, "Ar12Qx7Lm99"},
      {Where::kArgv, {"client_secret=Ar13Client77"}, "Ar13Client77"},
      {Where::kArgv, {"--jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJBcjE0In0.Ar14JwtSig"},
       "eyJzdWIiOiJBcjE0In0.Ar14JwtSig"},
      {Where::kArgv, {"smtp://mailer:Ar15Smtp%40x@smtp.x.io:587"}, "Ar15Smtp%40x"},
      {Where::kArgv, {"--db=Host=h;Pwd={Ar16;Brace}"}, "Ar16;Brace"},
      {Where::kArgv, {"-u", "deploy:Ar17CurlPw"}, "Ar17CurlPw"},
      {Where::kMessage,
       {"Login failed for user 'sa' using 'Server=db;User Id=sa;Password=Ex1Conn88;'"},
       "Ex1Conn88"},
      {Where::kMessage, {"Request to https://svc:Ex2Url99@api.internal/v1 failed"}, "Ex2Url99"},
      {Where::kMessage, {"401 for header Authorization: Bearer Ex3Wq9.Tok-77"},
       "Ex3Wq9.Tok-77"},
      {Where::kMessage, {"Invalid JWT eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJFeDQifQ.Ex4SigPart55"},
       "eyJzdWIiOiJFeDQifQ.Ex4SigPart55"},
      {Where::kMessage, {"upload to https://a.blob.core.windows.net/c/f?sv=2020&sig=Ex5Sig%2B66"},
       "Ex5Sig%2B66"},
      {Where::kMessage, {"token=Ex6Token77 rejected"}, "Ex6Token77"},
      {Where::kMessage, {"bad config {\"password\": \"Ex7Json88\"}"}, "Ex7Json88"},
      {Where::kMessage, {"-----BEGIN PRIVATE KEY-----\nMIIEvEx12PrivKey\n-----END PRIVATE KEY-----"},
       "MIIEvEx12PrivKey"},
      {Where::kMessage, {"Request failed\nX-Api-Key: Ex13Header44"}, "Ex13Header44"},
      {Where::kMessage, {"rejected Basic RXgxNHVzZXI6cGFzcw=="}, "RXgxNHVzZXI6cGFzcw"},
      {Where::kMessage, {"charge with sk_test_Ex15Stripe1234567890abc failed"},
       "Ex15Stripe1234567890abc"},
      {Where::kMessage, {"redis://default:Ex18Redis@cache:6379 unreachable"}, "Ex18Redis"},
      {Where::kStackTrace,
       {"   at Db.Connect(String cs) in /src/Db.cs:line 10\n"
        "   key AKIAEX10STACK4567890 at Aws.Sign()"},
       "AKIAEX10STACK4567890"},
      {Where::kStackTrace, {"   at Hook.Post() https://hooks.slack.com/services/TEX17/BEX17/Ex17Hook"},
       "TEX17/BEX17/Ex17Hook"},
      {Where::kThreadException, {"api_key=Ex11Thread22 invalid"}, "Ex11Thread22"},
      {Where::kThreadException, {"Cannot open postgres://u:Ex19Thr@d@db/x"}, "Ex19Thr@d"},
      {Where::kInnerException, {"postgres://u:Ex8Inner@99@db/x"}, "Ex8Inner@99"},
      {Where::kInnerException, {"SharedAccessSignature=sv=2020&sig=Ex20Inner55"}, "Ex20Inner55"},
      {Where::kOtherThreadName, {"worker token=Tn2Managed33"}, "Tn2Managed33"},
      {Where::kOtherThreadName, {"poller Bearer Tn3Vb5Nm44xyz"}, "Tn3Vb5Nm44xyz"},
  };
  return *corpus;
}

const std::vector<std::string>& KeptEnvironment() {
  static const auto* kept = new std::vector<std::string>{
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin", "ASPNETCORE_URLS=http://+:8080",
      "DOTNET_gcServer=1", "LANG=C.UTF-8", "DOTNET_ROOT=/usr/share/dotnet",
      "MYSQL_VERSION=8.0.31"};
  return *kept;
}

// The report with every plant in its place, serialized.
std::string BuildCorpusReport() {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ReportBuilder builder(*std::move(scrubber), "1.2.3", absl::FromUnixSeconds(100));
  builder.SetTrigger(TRIGGER_CRASH);
  std::vector<std::string> argv = {"/app/App", "--urls", "http://localhost:5000"};
  std::vector<std::string> environment = KeptEnvironment();
  Thread* thread = builder.AddThread(11, "App");
  Exception* top = builder.mutable_exception();
  top->set_type("System.Exception");
  Exception* inner = top->mutable_inner();
  std::string messages;
  std::string stack_traces;
  std::string thread_messages;
  std::string inner_messages;
  std::string other_thread_names;
  for (const Plant& plant : Corpus()) {
    for (const std::string& part : plant.parts) {
      switch (plant.where) {
        case Where::kEnv: environment.push_back(part); break;
        case Where::kArgv: argv.push_back(part); break;
        case Where::kMessage: messages += part + "\n"; break;
        case Where::kStackTrace: stack_traces += part + "\n"; break;
        case Where::kThreadException: thread_messages += part + "\n"; break;
        case Where::kInnerException: inner_messages += part + "\n"; break;
        case Where::kOtherThreadName: {
          // A second thread named by the target (comm, or Thread.Name the runtime copies there).
          builder.AddThread(static_cast<uint32_t>(12 + other_thread_names.size()), part);
          other_thread_names += part;
          break;
        }
      }
    }
  }
  builder.SetProcess(10, 1, "/app/App", argv, environment);
  top->set_message(messages);
  top->set_stack_trace(stack_traces);
  inner->set_message(inner_messages);
  thread->mutable_exception()->set_message(thread_messages);
  thread->mutable_exception()->mutable_inner()->set_message(inner_messages);
  return std::move(builder).Build(absl::FromUnixSeconds(101)).SerializeAsString();
}

TEST(SecretsCorpusTest, NoSecretReachesTheReportBytes) {
  ASSERT_GE(Corpus().size(), 50u);
  const std::string bytes = BuildCorpusReport();
  for (const Plant& plant : Corpus()) {
    const std::string& secret = plant.secret;
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
    // Nor any piece of it long enough to be distinctive.
    constexpr size_t kPiece = 6;
    for (size_t i = 0; i + kPiece <= secret.size(); ++i) {
      const std::string piece = secret.substr(i, kPiece);
      EXPECT_EQ(bytes.find(piece), std::string::npos) << piece << " of " << secret;
    }
  }
}

TEST(SecretsCorpusTest, OrdinaryValuesSurvive) {
  const std::string bytes = BuildCorpusReport();
  for (const std::string& kept : KeptEnvironment()) {
    EXPECT_NE(bytes.find(kept), std::string::npos) << kept;
  }
  for (const char* kept : {"http://localhost:5000", "Login failed for user 'sa'",
                           "in /src/Db.cs:line 10", "AccountName=a", "EndpointSuffix=core"}) {
    EXPECT_NE(bytes.find(kept), std::string::npos) << kept;
  }
}

// A checkpoint goes through the same finishing step as Build().
TEST(SecretsCorpusTest, CheckpointsAreScrubbedToo) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ReportBuilder builder(*std::move(scrubber), "1.2.3", absl::FromUnixSeconds(100));
  builder.AddThread(7, "token=Ck1Name")->mutable_exception()->set_message("pwd=Ck2Thread");
  builder.mutable_exception()->set_stack_trace("at X() password=Ck3Stack");
  const std::string bytes =
      builder.Checkpoint(absl::FromUnixSeconds(101), "everything").SerializeAsString();
  for (const char* secret : {"Ck1Name", "Ck2Thread", "Ck3Stack"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  }
}

}  // namespace
}  // namespace ddcrash
