#!/usr/bin/env python3
"""Writes the seed corpora of the elf/ fuzzers (replayed by their *_corpus_test targets):
  elf_file_corpus/     small malformed ELF files (//elf:elf_file_fuzzer)
  eh_frame_hdr_corpus/ an 8-byte little-endian section address, then .eh_frame_hdr bytes:
                       real ones cut from the system's binaries, and malformed variants
                       (//elf:eh_frame_hdr_fuzzer)
image_reader_corpus/ (//elf:image_reader_fuzzer) is checked in as it is. Run from elf/testdata."""
import os
import struct

OUT = "elf_file_corpus"


def ehdr(phoff=64, phnum=0, shoff=0, shnum=0, shstrndx=0, phentsize=56, shentsize=64, cls=2):
    ident = b"\x7fELF" + bytes([cls, 1, 1]) + b"\0" * 9
    return ident + struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, phoff, shoff, 0, 64, phentsize,
                               phnum, shentsize, shnum, shstrndx)


def phdr(ptype, offset, vaddr, filesz, memsz=None):
    return struct.pack("<IIQQQQQQ", ptype, 4, offset, vaddr, vaddr, filesz,
                       filesz if memsz is None else memsz, 8)


def shdr(name, stype, offset, size, link=0, entsize=0, addr=0):
    return struct.pack("<IIQQQQIIQQ", name, stype, 0, addr, offset, size, link, 0, 8, entsize)


def note(owner, ntype, desc, namesz=None, descsz=None):
    o = owner + b"\0"
    body = struct.pack("<III", len(o) if namesz is None else namesz,
                       len(desc) if descsz is None else descsz, ntype)
    body += o + b"\0" * (-len(o) % 4) + desc + b"\0" * (-len(desc) % 4)
    return body


def with_sections(sections, extra_phdrs=()):
    """sections: list of (name, type, data, link, entsize, addr)."""
    names = b"\0"
    offs = []
    for s in sections:
        offs.append(len(names))
        names += s[0] + b"\0"
    shname = len(names)
    names += b".shstrtab\0"
    phs = list(extra_phdrs)
    body = b""
    base = 64 + 56 * len(phs)
    offsets = []
    for s in sections:
        offsets.append(base + len(body))
        body += s[2] + b"\0" * (-len(s[2]) % 8)
    names_off = base + len(body)
    body += names + b"\0" * (-len(names) % 8)
    shoff = base + len(body)
    sh = shdr(0, 0, 0, 0)
    for i, s in enumerate(sections):
        sh += shdr(offs[i], s[1], offsets[i], len(s[2]), s[3], s[4], s[5])
    sh += shdr(shname, 3, names_off, len(names))
    resolved = b"".join(p(offsets) if callable(p) else p for p in phs)
    return ehdr(phoff=64 if phs else 0, phnum=len(phs), shoff=shoff, shnum=len(sections) + 2,
                shstrndx=len(sections) + 1) + resolved + body + sh


def sym(name, info, shndx, value, size):
    return struct.pack("<IBBHQQ", name, info, 0, shndx, value, size)


files = {}
files["empty"] = b""
files["magic_only"] = b"\x7fELF"
files["truncated_header"] = ehdr()[:40]
files["elf32"] = ehdr(cls=1)
files["mz_image"] = b"MZ" + b"\0" * 126
files["phnum_huge"] = ehdr(phnum=0xffff)
files["phoff_past_end"] = ehdr(phoff=1 << 40, phnum=2)
files["phentsize_small"] = ehdr(phnum=1, phentsize=8) + phdr(1, 0, 0, 64)
files["shoff_past_end"] = ehdr(shoff=1 << 40, shnum=3)
files["shnum_zero_extended_huge"] = ehdr(shoff=64, shnum=0) + shdr(0, 0, 0, 1 << 40)
files["shstrndx_out_of_range"] = ehdr(shoff=64, shnum=1, shstrndx=50) + shdr(0, 0, 0, 0)
files["section_past_end"] = with_sections([(b".symtab", 2, b"", 0, 24, 0)])[:-1] + b"\0"
strtab = b"\0func\0"
syms = sym(0, 0, 0, 0, 0) + sym(1, 0x12, 1, 0x1000, 0x10) + sym(0xffffff, 0x12, 1, 0x2000, 8)
files["symtab_bad_name_offset"] = with_sections([(b".strtab", 3, strtab, 0, 0, 0),
                                                 (b".symtab", 2, syms, 1, 24, 0)])
files["symtab_bad_link"] = with_sections([(b".symtab", 2, syms, 99, 24, 0)])
files["symtab_link_not_strtab"] = with_sections([(b".data", 1, strtab, 0, 0, 0),
                                                 (b".symtab", 2, syms, 1, 24, 0)])
files["symtab_bad_entsize"] = with_sections([(b".strtab", 3, strtab, 0, 0, 0),
                                             (b".symtab", 2, syms, 1, 7, 0)])
files["strtab_unterminated"] = with_sections([(b".strtab", 3, b"\0func", 0, 0, 0),
                                              (b".symtab", 2, syms, 1, 24, 0)])
files["note_namesz_huge"] = with_sections([(b".note.gnu.build-id", 7,
                                            note(b"GNU", 3, b"\1\2\3\4", namesz=0x7fffffff), 0, 0, 0)])
files["note_descsz_huge"] = with_sections([(b".note.gnu.build-id", 7,
                                            note(b"GNU", 3, b"\1\2\3\4", descsz=0xffffffff), 0, 0, 0)])
files["note_truncated"] = with_sections([(b".note.gnu.build-id", 7, note(b"GNU", 3, b"\1\2")[:10], 0, 0, 0)])
files["note_ok"] = with_sections([(b".note.gnu.build-id", 7, note(b"GNU", 3, b"\1\2\3\4"), 0, 0, 0)])
files["debuglink_no_nul"] = with_sections([(b".gnu_debuglink", 1, b"app.debug", 0, 0, 0)])
files["debuglink_no_crc"] = with_sections([(b".gnu_debuglink", 1, b"app.debug\0", 0, 0, 0)])
files["debuglink_with_slash"] = with_sections([(b".gnu_debuglink", 1, b"../a\0\0\0\0\1\2\3\4", 0, 0, 0)])
files["eh_frame_hdr_bad_version"] = with_sections([(b".eh_frame_hdr", 1, b"\x02\x1b\x03\x3b" + b"\0" * 8, 0, 0, 0x1000)])
files["eh_frame_hdr_count_huge"] = with_sections(
    [(b".eh_frame_hdr", 1, b"\x01\x1b\x03\x3b" + struct.pack("<iI", 0, 0x7fffffff) + b"\0" * 16, 0, 0, 0x1000)])
files["eh_frame_hdr_truncated"] = with_sections([(b".eh_frame_hdr", 1, b"\x01\x1b", 0, 0, 0x1000)])
files["eh_frame_hdr_bad_encoding"] = with_sections([(b".eh_frame_hdr", 1, b"\x01\x9f\x03\x3b" + b"\0" * 12, 0, 0, 0x1000)])
files["eh_frame_hdr_ok"] = with_sections(
    [(b".eh_frame_hdr", 1, b"\x01\x1b\x03\x3b" + struct.pack("<iIiiii", 0x100, 2, -0x10, 0x40, 0x20, 0x60), 0, 0, 0x1000)])
files["pt_gnu_eh_frame_past_end"] = ehdr(phnum=1) + phdr(0x6474e550, 1 << 40, 0x1000, 64)
files["pt_load_overflow"] = ehdr(phnum=1) + phdr(1, 0xfffffffffffff000, 0, 0x2000)
files["pt_note_past_end"] = ehdr(phnum=1) + phdr(4, 0x40, 0, 1 << 30)



def eh_frame_hdr_of(path):
    """(vaddr, bytes) of the PT_GNU_EH_FRAME segment of a real ELF64 file."""
    with open(path, "rb") as f:
        image = f.read()
    phoff, = struct.unpack_from("<Q", image, 32)
    phentsize, phnum = struct.unpack_from("<HH", image, 54)
    for i in range(phnum):
        ptype, _, offset, vaddr, _, filesz = struct.unpack_from("<IIQQQQ", image, phoff + i * phentsize)
        if ptype == 0x6474e550:
            return vaddr, image[offset:offset + filesz]
    raise SystemExit(path + ": no PT_GNU_EH_FRAME")


hdrs = {}
for name, path in [("true", "/usr/bin/true"), ("env", "/usr/bin/env")]:
    vaddr, data = eh_frame_hdr_of(path)
    hdrs["real_" + name] = struct.pack("<Q", vaddr) + data
    hdrs["real_" + name + "_table_cut"] = struct.pack("<Q", vaddr) + data[:len(data) // 2]
vaddr, data = eh_frame_hdr_of("/usr/bin/true")
hdrs["short_no_address"] = data[:7]
hdrs["bad_version"] = struct.pack("<Q", vaddr) + b"\x02" + data[1:64]
hdrs["count_huge"] = struct.pack("<Q", vaddr) + data[:8] + struct.pack("<I", 0x7fffffff) + data[12:64]
hdrs["indirect_pointer"] = struct.pack("<Q", vaddr) + data[:1] + b"\x9b" + data[2:64]
hdrs["no_table"] = struct.pack("<Q", vaddr) + data[:2] + b"\xff\xff" + data[4:8]
hdrs["address_wraps"] = struct.pack("<Q", 0xfffffffffffffff0) + data[:64]

for out, corpus in [(OUT, files), ("eh_frame_hdr_corpus", hdrs)]:
    os.makedirs(out, exist_ok=True)
    for name, data in corpus.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(out + ":", len(corpus), "files")
