#include "triage/group_render.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

CrashGroups TwoGroups() {
  CrashGroups groups;
  Report a = SampleCrashReport();
  a.mutable_process()->set_hostname("host\"quoted\"");
  Report b = SampleCrashReport();
  b.mutable_exception()->set_type("B\x1b[1m");
  const absl::Time t0 = absl::FromUnixSeconds(1764000000);
  groups.Add(a, t0, "/r/a1.pb");
  groups.Add(a, t0 + absl::Seconds(60), "/r/a2.pb");
  groups.Add(b, t0, "/r/b.pb");
  groups.AddUnreadable("/r/bad.pb", "/r/bad.pb: corrupt or truncated report");
  return groups;
}

TEST(GroupRenderTest, Text) {
  const std::string text = RenderGroupsText(TwoGroups());
  EXPECT_EQ(text.rfind("2 crash groups in 3 reports, 1 unreadable\n", 0), 0u) << text;
  EXPECT_NE(text.find("#1  2 crashes  fingerprint "), std::string::npos) << text;
  EXPECT_NE(text.find("first seen 2025-11-24T16:00:00Z  last seen 2025-11-24T16:01:00Z"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("executables: /app/App\n"), std::string::npos) << text;
  EXPECT_NE(text.find("newest: System.InvalidOperationException: ddcrash test: worker thread at "
                      "libcoreclr.so!IL_Throw+0x44\n            /r/a2.pb\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("#2  1 crash  "), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("Unreadable files:\n  /r/bad.pb: corrupt"), std::string::npos) << text;
}

TEST(GroupRenderTest, JsonParsesWithTheFields) {
  const std::string json = RenderGroupsJson(TwoGroups());
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  const auto& fields = parsed.fields();
  EXPECT_EQ(fields.at("reports").number_value(), 3);
  EXPECT_EQ(fields.at("skippedOlder").number_value(), 0);
  EXPECT_EQ(fields.at("unreadableCount").number_value(), 1);
  EXPECT_EQ(fields.at("unreadable").list_value().values(0).struct_value().fields().at("path").string_value(),
            "/r/bad.pb");
  const auto& groups = fields.at("groups").list_value();
  ASSERT_EQ(groups.values_size(), 2);
  const auto& first = groups.values(0).struct_value().fields();
  EXPECT_EQ(first.at("count").number_value(), 2);
  EXPECT_EQ(first.at("fingerprint").string_value().size(), 16u);
  EXPECT_EQ(first.at("firstSeen").string_value(), "2025-11-24T16:00:00Z");
  EXPECT_EQ(first.at("lastSeen").string_value(), "2025-11-24T16:01:00Z");
  EXPECT_EQ(first.at("newestReport").string_value(), "/r/a2.pb");
  EXPECT_EQ(first.at("hosts").list_value().values(0).string_value(), "host\"quoted\"");
  EXPECT_EQ(first.at("hostsOmitted").number_value(), 0);
  EXPECT_EQ(first.at("executables").list_value().values(0).string_value(), "/app/App");
  EXPECT_NE(first.at("crashLine").string_value().find("IL_Throw"), std::string::npos);
}

}  // namespace
}  // namespace ddcrash
