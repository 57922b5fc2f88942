#include "triage/group_render.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "json/json_string.h"
#include "report/text_renderer.h"

namespace ddcrash {
namespace {

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

std::string NamesText(const BoundedNames& names) {
  std::string text;
  for (const std::string& name : names.names) {
    absl::StrAppend(&text, text.empty() ? "" : ", ", Printable(name));
  }
  if (names.omitted > 0) absl::StrAppend(&text, " (+", names.omitted, " more)");
  return text.empty() ? "-" : text;
}

void AppendNamesJson(absl::string_view key, const BoundedNames& names, std::string* out) {
  absl::StrAppend(out, "\"", key, "\":[");
  bool first = true;
  for (const std::string& name : names.names) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(name, out);
  }
  absl::StrAppend(out, "],\"", key, "Omitted\":", names.omitted);
}

}  // namespace

std::string RenderGroupsText(const CrashGroups& groups) {
  const std::vector<const CrashGroup*> sorted = groups.Sorted();
  std::string out = absl::StrCat(sorted.size(), sorted.size() == 1 ? " crash group in " : " crash groups in ",
                                 groups.reports(), groups.reports() == 1 ? " report" : " reports");
  if (groups.skipped_old() > 0) absl::StrAppend(&out, ", ", groups.skipped_old(), " older skipped");
  if (groups.unreadable_count() > 0) {
    absl::StrAppend(&out, ", ", groups.unreadable_count(), " unreadable");
  }
  absl::StrAppend(&out, "\n");
  int rank = 0;
  for (const CrashGroup* group : sorted) {
    absl::StrAppend(&out, "\n#", ++rank, "  ", group->count, group->count == 1 ? " crash" : " crashes",
                    "  fingerprint ", group->fingerprint, "\n");
    absl::StrAppend(&out, "    first seen ", Rfc3339(group->first_seen), "  last seen ",
                    Rfc3339(group->last_seen), "\n");
    absl::StrAppend(&out, "    executables: ", NamesText(group->executables), "\n");
    absl::StrAppend(&out, "    hosts: ", NamesText(group->hosts), "\n");
    absl::StrAppend(&out, "    newest: ", group->newest_crash_line, "\n");
    absl::StrAppend(&out, "            ", Printable(group->newest_path), "\n");
  }
  if (groups.unreadable_count() > 0) {
    absl::StrAppend(&out, "\nUnreadable files:\n");
    for (const UnreadableReport& bad : groups.unreadable()) {
      absl::StrAppend(&out, "  ", Printable(bad.error), "\n");
    }
    const uint64_t unlisted = groups.unreadable_count() - groups.unreadable().size();
    if (unlisted > 0) absl::StrAppend(&out, "  ... and ", unlisted, " more\n");
  }
  return out;
}

std::string RenderGroupsJson(const CrashGroups& groups) {
  std::string out = absl::StrCat("{\"reports\":", groups.reports(),
                                 ",\"skippedOlder\":", groups.skipped_old(), ",\"groups\":[");
  bool first = true;
  for (const CrashGroup* group : groups.Sorted()) {
    if (!first) out.push_back(',');
    first = false;
    absl::StrAppend(&out, "{\"fingerprint\":\"", group->fingerprint, "\",\"count\":", group->count,
                    ",\"firstSeen\":\"", Rfc3339(group->first_seen), "\",\"lastSeen\":\"",
                    Rfc3339(group->last_seen), "\",");
    AppendNamesJson("executables", group->executables, &out);
    out.push_back(',');
    AppendNamesJson("hosts", group->hosts, &out);
    absl::StrAppend(&out, ",\"crashLine\":");
    AppendJsonString(group->newest_crash_line, &out);
    absl::StrAppend(&out, ",\"newestReport\":");
    AppendJsonString(group->newest_path, &out);
    out.push_back('}');
  }
  absl::StrAppend(&out, "],\"unreadableCount\":", groups.unreadable_count(), ",\"unreadable\":[");
  first = true;
  for (const UnreadableReport& bad : groups.unreadable()) {
    if (!first) out.push_back(',');
    first = false;
    absl::StrAppend(&out, "{\"path\":");
    AppendJsonString(bad.path, &out);
    absl::StrAppend(&out, ",\"error\":");
    AppendJsonString(bad.error, &out);
    out.push_back('}');
  }
  absl::StrAppend(&out, "]}\n");
  return out;
}

}  // namespace ddcrash
