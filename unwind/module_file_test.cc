#include "unwind/module_file.h"

#include <unistd.h>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(ModuleFileTest, CandidatesPreferPathThenMapFiles) {
  LoadedModule module;
  module.path = "/usr/lib/libx.so";
  module.base = 0x7f0000000000;
  EXPECT_EQ(ModuleFileCandidates(module, std::nullopt),
            std::vector<std::string>{"/usr/lib/libx.so"});
  module.deleted = true;
  // Deleted and no pid: only the (probably re-created) path, as a last resort.
  EXPECT_EQ(ModuleFileCandidates(module, std::nullopt),
            std::vector<std::string>{"/usr/lib/libx.so"});
}

TEST(ModuleFileTest, MapFilesEntryOfOwnProcess) {
  // Our own executable's first mapping, found through /proc/self/map_files.
  absl::StatusOr<std::unique_ptr<ElfFile>> self = ElfFile::Open("/proc/self/exe");
  ASSERT_TRUE(self.ok());
  LoadedModule module;
  module.kind = ModuleKind::kElf;
  module.path = "/gone/exe";
  module.deleted = true;
  module.build_id = (*self)->BuildId();
  // Find our executable's lowest mapping from /proc/self/maps.
  FILE* maps = fopen("/proc/self/maps", "r");
  ASSERT_NE(maps, nullptr);
  char exe[4096] = {};
  ASSERT_GT(readlink("/proc/self/exe", exe, sizeof(exe) - 1), 0);
  char line[8192];
  while (fgets(line, sizeof(line), maps)) {
    unsigned long start, end, offset;
    char path[4096] = {};
    if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %4095s", &start, &end, &offset, path) == 4 &&
        std::string(path) == exe) {
      module.base = start;
      break;
    }
  }
  fclose(maps);
  ASSERT_NE(module.base, 0u);
  std::string opened;
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = OpenModuleElf(module, getpid(), &opened);
  ASSERT_TRUE(elf.ok()) << elf.status();
  EXPECT_NE(opened.find("/map_files/"), std::string::npos) << opened;
}

TEST(ModuleFileTest, BuildIdMismatchIsRefused) {
  LoadedModule module;
  module.kind = ModuleKind::kElf;
  module.path = "/proc/self/exe";
  module.build_id = "not the right id";
  EXPECT_EQ(OpenModuleElf(module, std::nullopt, nullptr).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ddcrash
