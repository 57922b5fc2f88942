// ELF notes (the contents of PT_NOTE segments and SHT_NOTE sections) and the GNU build id.
// The one note parser: every reader of notes (files, target memory) goes through it.
//
// Layout of one note, per the gABI and binutils (ELF_NOTE_DESC_OFFSET): namesz, descsz, type
// (4 bytes each), the name, then the descriptor at the next multiple of the area's alignment
// counted from the note's start, then the next note at the following multiple. The alignment
// is 4, or 8 in areas that declare 8 (".note.gnu.property"); with 8, a "GNU" note's
// descriptor starts at byte 16, not 20.
#ifndef DDCRASH_ELF_NOTES_H_
#define DDCRASH_ELF_NOTES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ddcrash {

// Largest build id accepted (real ones are 16 or 20 bytes).
inline constexpr size_t kMaxBuildIdSize = 64;

// The padding of a note area whose segment or section declares `declared_alignment`
// (p_align, sh_addralign): 8 when it declares 8, else 4.
uint64_t NoteAlignment(uint64_t declared_alignment);

// The descriptor of the first NT_GNU_BUILD_ID note owned by "GNU" (the name compared
// without its terminating NUL) of 1 to kMaxBuildIdSize bytes, or empty. `alignment` is the
// area's declared alignment (see NoteAlignment). Stops quietly at the first malformed note
// (one whose name or descriptor runs past the end): a build id is optional information.
std::string FindGnuBuildId(std::string_view notes, uint64_t alignment);

}  // namespace ddcrash

#endif  // DDCRASH_ELF_NOTES_H_
