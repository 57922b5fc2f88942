// Replays the report-name fuzz corpus as a regular test: every input is parsed or refused
// cleanly, and the names ReportFileName makes are among those accepted.
#include <dirent.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "report/storage/report_names_fuzz.h"

namespace ddcrash {
namespace {

TEST(ReportNamesCorpusTest, EveryInputParsesOrIsRefusedCleanly) {
  const std::string dir = "report/storage/testdata/report_name_corpus";
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr) << dir;
  int files = 0;
  int parsed = 0;
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream in(dir + "/" + entry->d_name, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const bool ours = FuzzReportName(bytes.str());
    EXPECT_EQ(ours, std::string(entry->d_name).rfind("name_plain", 0) == 0 ||
                        std::string(entry->d_name).rfind("name_dots", 0) == 0)
        << entry->d_name;
    parsed += ours ? 1 : 0;
    ++files;
  }
  closedir(d);
  EXPECT_GE(files, 7);
  EXPECT_EQ(parsed, 2);
}

}  // namespace
}  // namespace ddcrash
