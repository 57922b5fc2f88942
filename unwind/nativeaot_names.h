// The .NET form of the symbols NativeAOT gives compiled managed methods. ILCompiler names a
// method <assembly>_<namespace and type, '.' as '_'>__<method>, with System.Private.CoreLib
// abbreviated to S_P_CoreLib: "Ddcrash_Shapes_Ddcrash_Shapes_Crasher__Throw" is
// Ddcrash.Shapes.Crasher.Throw, "S_P_CoreLib_System_Threading_Thread__StartThread" is
// System.Threading.Thread.StartThread; an overload's "_<n>" suffix is dropped. The mangling loses where the assembly name ends and
// which '_' were dots, so only the unambiguous shapes are turned back: the CoreLib prefix, or an
// assembly name repeated as the start of the namespace (the usual layout); compiler-generated
// names (lambdas, display classes, "__" in a method name) and generic instantiations are left as
// they are.
#ifndef DDCRASH_UNWIND_NATIVEAOT_NAMES_H_
#define DDCRASH_UNWIND_NATIVEAOT_NAMES_H_

#include <optional>
#include <string>
#include <string_view>

namespace ddcrash {

// "Ns.Type.Method" for a NativeAOT method symbol; nullopt when it is not of a shape that can be
// turned back unambiguously.
std::optional<std::string> NativeAotMethodName(std::string_view symbol);

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_NATIVEAOT_NAMES_H_
