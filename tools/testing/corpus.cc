#include "tools/testing/corpus.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {

absl::StatusOr<std::vector<CorpusFile>> ReadCorpus(const std::string& dir, size_t min_files) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return absl::NotFoundError(absl::StrCat("corpus ", dir, " cannot be opened"));
  std::vector<CorpusFile> files;
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] != '.') files.push_back({entry->d_name, ""});
  }
  closedir(d);
  std::sort(files.begin(), files.end(),
            [](const CorpusFile& a, const CorpusFile& b) { return a.name < b.name; });
  if (files.size() < min_files) {
    return absl::FailedPreconditionError(absl::StrCat("corpus ", dir, " holds ", files.size(),
                                                      " files, fewer than ", min_files));
  }
  for (CorpusFile& file : files) {
    std::ifstream in(absl::StrCat(dir, "/", file.name), std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", dir, "/", file.name));
    std::stringstream bytes;
    bytes << in.rdbuf();
    file.bytes = bytes.str();
  }
  return files;
}

}  // namespace ddcrash
