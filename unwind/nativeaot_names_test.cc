#include "unwind/nativeaot_names.h"

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

// Symbols as ILCompiler 8.0.31 and 10.0.12 name them (nm of the .dbg file of a NativeAOT app).
TEST(NativeAotNamesTest, AppMethodsWithTheAssemblyRepeatedAsNamespace) {
  EXPECT_EQ(NativeAotMethodName("Ddcrash_Shapes_Ddcrash_Shapes_Crasher__Throw"),
            "Ddcrash.Shapes.Crasher.Throw");
  EXPECT_EQ(NativeAotMethodName("Ddcrash_Shapes_Ddcrash_Shapes_Program__Main"),
            "Ddcrash.Shapes.Program.Main");
  EXPECT_EQ(NativeAotMethodName("App_App_Program__Main"), "App.Program.Main");
  EXPECT_EQ(NativeAotMethodName("System_Console_System_Console__WriteLine"),
            "System.Console.WriteLine");
}

TEST(NativeAotNamesTest, CoreLibMethods) {
  EXPECT_EQ(NativeAotMethodName("S_P_CoreLib_System_Threading_Thread__StartThread"),
            "System.Threading.Thread.StartThread");
  EXPECT_EQ(NativeAotMethodName("S_P_CoreLib_System_Environment__FailFast_0"),
            "System.Environment.FailFast");
  EXPECT_EQ(NativeAotMethodName("S_P_CoreLib_System_Collections_Generic_Dictionary_2__get_Item"),
            "System.Collections.Generic.Dictionary`2.get_Item");
}

TEST(NativeAotNamesTest, AmbiguousShapesAreLeftAlone) {
  // Compiler-generated: a lambda of a display class.
  EXPECT_EQ(NativeAotMethodName(
                "Ddcrash_Shapes_Ddcrash_Shapes_Program___c__DisplayClass0_0___Main_b__0"),
            std::nullopt);
  // Module wrappers, no repeated assembly name, no separator, generics, C symbols.
  EXPECT_EQ(NativeAotMethodName("Ddcrash_Shapes__Module___MainMethodWrapper"), std::nullopt);
  EXPECT_EQ(NativeAotMethodName("Lib_Other_Type__Method"), std::nullopt);
  EXPECT_EQ(NativeAotMethodName("RhpThrowEx"), std::nullopt);
  EXPECT_EQ(NativeAotMethodName("S_P_CoreLib_System_Collections_Generic_List_1<Int32>__Add"),
            std::nullopt);
  EXPECT_EQ(NativeAotMethodName("S_P_CoreLib___Type__M"), std::nullopt);
  EXPECT_EQ(NativeAotMethodName(""), std::nullopt);
  EXPECT_EQ(NativeAotMethodName("__"), std::nullopt);
}

}  // namespace
}  // namespace ddcrash
