#include "ptrace/module_map.h"

#include <vector>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

Mapping MakeMapping(uint64_t start, uint64_t end) {
  Mapping m;
  m.start = start;
  m.end = end;
  return m;
}

LoadedModule MakeModule(const char* path, uint64_t base, uint64_t end) {
  LoadedModule m;
  m.path = path;
  m.base = base;
  m.end = end;
  return m;
}

TEST(ModuleMapTest, FindsMappingsAndModulesGivenInAnyOrder) {
  ModuleMap map({MakeMapping(0x5000, 0x6000), MakeMapping(0x1000, 0x2000),
                 MakeMapping(0x2000, 0x4000)},
                {MakeModule("/b", 0x5000, 0x6000), MakeModule("/a", 0x1000, 0x4000)});
  ASSERT_EQ(map.mappings().size(), 3u);
  EXPECT_EQ(map.mappings()[0].start, 0x1000u);
  EXPECT_EQ(map.modules()[0].path, "/a");

  EXPECT_EQ(map.FindMapping(0xfff), nullptr);
  EXPECT_EQ(map.FindMapping(0x1000)->start, 0x1000u);
  EXPECT_EQ(map.FindMapping(0x1fff)->start, 0x1000u);
  EXPECT_EQ(map.FindMapping(0x2000)->start, 0x2000u);
  EXPECT_EQ(map.FindMapping(0x4000), nullptr);  // end is exclusive; gap until 0x5000
  EXPECT_EQ(map.FindMapping(0x5fff)->start, 0x5000u);
  EXPECT_EQ(map.FindMapping(UINT64_MAX), nullptr);

  EXPECT_EQ(map.FindModule(0x3000)->path, "/a");
  EXPECT_EQ(map.FindModuleIndex(0x3000), 0);
  EXPECT_EQ(map.FindModuleIndex(0x5000), 1);
  EXPECT_EQ(map.FindModule(0x4800), nullptr);
  EXPECT_EQ(map.FindModuleIndex(0x4800), -1);
  EXPECT_EQ(map.FindModuleIndex(0), -1);
}

TEST(ModuleMapTest, EmptyMapFindsNothing) {
  ModuleMap map;
  EXPECT_EQ(map.FindMapping(0x1000), nullptr);
  EXPECT_EQ(map.FindModule(0x1000), nullptr);
  EXPECT_EQ(map.FindModuleIndex(0x1000), -1);
}

}  // namespace
}  // namespace ddcrash
