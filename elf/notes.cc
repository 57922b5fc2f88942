#include "elf/notes.h"

#include <elf.h>

#include <cstring>
#include <optional>

namespace ddcrash {
namespace {

constexpr uint64_t kNoteHeaderSize = 12;

uint64_t AlignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

struct Note {
  uint32_t type = 0;
  std::string_view owner;
  std::string_view desc;
  uint64_t next = 0;  // offset of the following note
};

// The note at `pos`, or nullopt when its header, name or descriptor runs past the end. The
// last note's descriptor may lack its trailing padding.
std::optional<Note> NoteAt(std::string_view notes, uint64_t pos, uint64_t alignment) {
  if (pos > notes.size() || notes.size() - pos < kNoteHeaderSize) return std::nullopt;
  uint32_t fields[3];
  std::memcpy(fields, notes.data() + pos, sizeof(fields));
  const uint32_t namesz = fields[0], descsz = fields[1];
  // Sizes are 32-bit and `pos` is below the area's size, so these sums cannot overflow.
  uint64_t desc_at = pos + AlignUp(kNoteHeaderSize + namesz, alignment);
  if (desc_at > notes.size() || descsz > notes.size() - desc_at) return std::nullopt;
  Note note;
  note.type = fields[2];
  note.owner = notes.substr(pos + kNoteHeaderSize, namesz);
  if (!note.owner.empty() && note.owner.back() == '\0') note.owner.remove_suffix(1);
  note.desc = notes.substr(desc_at, descsz);
  note.next = pos + AlignUp(desc_at - pos + descsz, alignment);
  return note;
}

}  // namespace

uint64_t NoteAlignment(uint64_t declared_alignment) { return declared_alignment == 8 ? 8 : 4; }

std::string FindGnuBuildId(std::string_view notes, uint64_t alignment) {
  alignment = NoteAlignment(alignment);
  for (std::optional<Note> note = NoteAt(notes, 0, alignment); note.has_value();
       note = NoteAt(notes, note->next, alignment)) {
    if (note->type == NT_GNU_BUILD_ID && note->owner == "GNU" && !note->desc.empty() &&
        note->desc.size() <= kMaxBuildIdSize) {
      return std::string(note->desc);
    }
  }
  return std::string();
}

}  // namespace ddcrash
