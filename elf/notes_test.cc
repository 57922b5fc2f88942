#include "elf/notes.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "elf/testing/elf_builder.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

using elf_testing::TestElfBuilder;

// A note with the given (namesz, descsz, type) fields and raw name and descriptor bytes,
// 4-byte padded.
std::string RawNote(uint32_t namesz, uint32_t descsz, uint32_t type, std::string name,
                    std::string desc) {
  std::string out(12, '\0');
  std::memcpy(out.data(), &namesz, 4);
  std::memcpy(out.data() + 4, &descsz, 4);
  std::memcpy(out.data() + 8, &type, 4);
  out += name;
  while (out.size() % 4) out.push_back('\0');
  out += desc;
  while (out.size() % 4) out.push_back('\0');
  return out;
}

TEST(NotesTest, FindGnuBuildIdSkipsOtherNotesAndStopsAtMalformedOnes) {
  std::string notes = RawNote(5, 3, NT_GNU_BUILD_ID, std::string("Xen\0\0", 5), "abc") +
                      TestElfBuilder::Note("GNU", NT_GNU_ABI_TAG, std::string(16, '\0')) +
                      TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, "\x12\x34");
  EXPECT_EQ(FindGnuBuildId(notes, 4), "\x12\x34");

  // Truncated descriptor: ignored rather than read past the end.
  EXPECT_EQ(FindGnuBuildId(RawNote(4, 20, NT_GNU_BUILD_ID, std::string("GNU\0", 4), "ab"), 4), "");
  // Absurd sizes.
  EXPECT_EQ(FindGnuBuildId(RawNote(0xffffffff, 0xffffffff, NT_GNU_BUILD_ID, "", ""), 4), "");
  EXPECT_EQ(
      FindGnuBuildId(std::string("\xff\xff\xff\x7f\x04\x00\x00\x00\x03\x00\x00\x00GNU\0", 16), 4),
      "");
  EXPECT_EQ(
      FindGnuBuildId(std::string("\x04\x00\x00\x00\xff\xff\xff\xff\x03\x00\x00\x00GNU\0", 16), 4),
      "");
  // Empty and oversized build ids are no build id; a later good one is still found.
  std::string sizes =
      TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, "") +
      TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, std::string(kMaxBuildIdSize + 1, 'x'));
  EXPECT_EQ(FindGnuBuildId(sizes, 4), "");
  EXPECT_EQ(FindGnuBuildId(sizes + TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, "ok"), 4), "ok");
  EXPECT_EQ(FindGnuBuildId("", 4), "");
  EXPECT_EQ(FindGnuBuildId(std::string(11, '\0'), 4), "");
}

TEST(NotesTest, TheLastNoteMayLackItsPadding) {
  std::string note = TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, "\x01\x02\x03");
  EXPECT_EQ(FindGnuBuildId(note.substr(0, note.size() - 1), 4), "\x01\x02\x03");
}

TEST(NotesTest, EightByteAlignedAreaPutsTheDescriptorAtSixteen) {
  // namesz 4 ("GNU\0"): header 12 + name 4 = 16, already 8-aligned, so the descriptor starts
  // right after the name, and the next note at the next multiple of 8.
  std::string notes = TestElfBuilder::Note("GNU", NT_GNU_PROPERTY_TYPE_0, "\x01\x02\x03", 8) +
                      TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, "\x55\x66", 8);
  ASSERT_EQ(notes.size(), 24u + 24u);
  EXPECT_EQ(notes.substr(16, 3), "\x01\x02\x03");
  EXPECT_EQ(FindGnuBuildId(notes, 8), "\x55\x66");
  // An owner whose name needs padding: "Go\0" is 3 bytes, 12 + 3 rounds up to 16.
  std::string go = TestElfBuilder::Note("Go", 4, "\x01", 8) +
                   TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, "\x77", 8);
  EXPECT_EQ(FindGnuBuildId(go, 8), "\x77");
  // Any declared alignment other than 8 means 4.
  EXPECT_EQ(NoteAlignment(8), 8u);
  EXPECT_EQ(NoteAlignment(4), 4u);
  EXPECT_EQ(NoteAlignment(0), 4u);
  EXPECT_EQ(NoteAlignment(16), 4u);
}

// The 8-aligned PT_NOTE segment of a real linked file (.note.gnu.property, GNU ld), followed
// by a build-id note in the same alignment: the property note must be stepped over exactly.
TEST(NotesTest, RealEightByteAlignedPropertyNote) {
  std::ifstream in("/usr/bin/true", std::ios::binary);
  ASSERT_TRUE(in) << "/usr/bin/true (coreutils) is needed";
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string image = buffer.str();
  ASSERT_GE(image.size(), sizeof(Elf64_Ehdr));
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, image.data(), sizeof(ehdr));
  std::string property_area;
  for (int i = 0; i < ehdr.e_phnum; ++i) {
    Elf64_Phdr phdr;
    std::memcpy(&phdr, image.data() + ehdr.e_phoff + i * sizeof(phdr), sizeof(phdr));
    if (phdr.p_type == PT_NOTE && phdr.p_align == 8) {
      property_area = image.substr(phdr.p_offset, phdr.p_filesz);
    }
  }
  ASSERT_FALSE(property_area.empty()) << "no 8-aligned PT_NOTE in /usr/bin/true";
  EXPECT_EQ(FindGnuBuildId(property_area, 8), "");
  EXPECT_EQ(FindGnuBuildId(
                property_area + TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, "\xab\xcd", 8), 8),
            "\xab\xcd");
}

}  // namespace
}  // namespace ddcrash
