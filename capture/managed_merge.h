// One stack per thread, native and managed interleaved: the DAC's frames are merged into the
// native walk by instruction pointer and stack pointer, with no frame lost or duplicated.
#ifndef DDCRASH_CAPTURE_MANAGED_MERGE_H_
#define DDCRASH_CAPTURE_MANAGED_MERGE_H_

#include <vector>

#include "dac/managed_state.h"
#include "report/report.pb.h"

namespace ddcrash {

// A managed method or runtime transition frame from the DAC as a report frame.
Frame ManagedFrameToProto(const dac::ManagedFrame& frame);

// `frames` is one thread's native walk, top first (stack pointers ascending). A native frame
// at the same ip as a managed method frame takes its name and managed details (it keeps the
// trust of the native walk that found it), and so does an unnamed one at the same stack
// pointer; managed frames the native walk missed, and runtime transition frames, are inserted
// where their stack pointer puts them. Frames move as pointers: the native walk's frames are
// neither copied nor swapped.
void MergeManagedFrames(const std::vector<dac::ManagedFrame>& managed,
                        google::protobuf::RepeatedPtrField<Frame>* frames);

// Names the unnamed frames of `frames` whose ip is one of `named_code`'s (the DAC's answers for
// code addresses its own walk did not list; see DacSessionOptions::code_addresses_to_name).
void NameUnlistedManagedCode(const std::vector<dac::ManagedFrame>& named_code,
                             google::protobuf::RepeatedPtrField<Frame>* frames);

// The exception chain as the report holds it.
Exception ExceptionToProto(const dac::ManagedException& exception, uint32_t tid);

}  // namespace ddcrash

#endif  // DDCRASH_CAPTURE_MANAGED_MERGE_H_
