// The module a frame's code is in. A frame names it by index into Report.modules (its path is
// stored once per module, not once per frame); a report is untrusted input, so an index out of
// range names no module.
#ifndef DDCRASH_REPORT_FRAME_MODULE_H_
#define DDCRASH_REPORT_FRAME_MODULE_H_

#include <string>

#include "report/report.pb.h"

namespace ddcrash {

inline const Module* FrameModule(const Report& report, const Frame& frame) {
  const int index = frame.module_index();
  return index >= 0 && index < report.modules_size() ? &report.modules(index) : nullptr;
}

// The module's path; empty when the frame is in no known module.
inline const std::string& FrameModulePath(const Report& report, const Frame& frame) {
  static const std::string* const kNone = new std::string();
  const Module* module = FrameModule(report, frame);
  return module != nullptr ? module->path() : *kNone;
}

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_FRAME_MODULE_H_
