#include "unwind/module_map_entry.h"

#include <type_traits>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

static_assert(std::is_same_v<std::remove_cv_t<std::remove_reference_t<
                                 decltype(std::declval<const ModuleMap&>().modules()[0])>>,
                             ModuleMapEntry>);

TEST(ModuleMapEntryTest, HasTheFieldsUnwindUses) {
  ModuleMapEntry module;
  module.path = "/lib/libc.so.6";
  module.kind = ModuleKind::kElf;
  module.base = 0x1000;
  module.end = 0x2000;
  EXPECT_TRUE(module.Contains(0x1fff));
  EXPECT_FALSE(module.Contains(0x2000));
  EXPECT_TRUE(module.build_id.empty());
  EXPECT_FALSE(module.deleted);
}

}  // namespace
}  // namespace ddcrash
