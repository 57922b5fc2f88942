// Naming the frames of an unwound stack: the walk (RemoteUnwinder) finds frames, this gives
// each the function it is in.
#ifndef DDCRASH_UNWIND_STACK_WALKER_H_
#define DDCRASH_UNWIND_STACK_WALKER_H_

#include "ptrace/module_map.h"
#include "unwind/native_frame.h"
#include "unwind/symbolizer.h"

namespace ddcrash {

// Fills function, mangled_name and function_offset of every frame whose module the symbolizer
// can read. Return addresses are looked up at ip - 1 (NativeFrame::LookupAddress), so a call
// that ends a function names that function; function_offset is ip - symbol start.
void SymbolizeFrames(const ModuleMap& modules, Symbolizer& symbolizer, UnwoundStack& stack);

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_STACK_WALKER_H_
