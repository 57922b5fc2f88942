#!/usr/bin/env python3
"""Checks a ledger written by tools/mmap_ledger.bt: replays every successful mmap, mremap and
munmap of each ddreport process, page by page, and fails on a munmap of memory the process
did not have mapped at that moment:

  DOUBLE UNMAP   pages this process had mapped and already unmapped (libunwind issue #738:
                 elf_map_image unmaps an invalid image, and it is unmapped again later)
  UNKNOWN UNMAP  pages the ledger never saw mapped, in a process whose whole life the ledger
                 saw (its exec, or its fork from such a process); memory the kernel mapped
                 at exec -- the executable, ld.so, the stack, the vdso -- is not in the
                 ledger, so a munmap of such memory shows up here too. For a process that
                 was already running when the trace started, only DOUBLE UNMAP counts.

  usage: check_mmap_ledger.py LEDGER [--pid PID] [--quiet]
--pid checks only that process and the processes it forked (other ddreport processes on the
machine may be in a system-wide ledger).
Exit status: 0 clean, 1 a bad munmap (or a broken ledger: no LEDGER-START/END, lost events,
no mmap at all), 2 usage.
"""

import argparse
import sys

PAGE = 4096
MAP_FIXED = 0x10
MREMAP_FIXED = 0x2
MREMAP_DONTUNMAP = 0x4


def pages(addr, length):
    first = addr // PAGE
    last = (addr + length + PAGE - 1) // PAGE
    return range(first, last)


class Space:
    """One address space: which pages are mapped, which were mapped once and unmapped."""

    def __init__(self):
        self.mapped = set()
        self.freed = set()
        self.mmaps = 0
        self.munmaps = 0
        self.mremaps = 0

    def copy(self):
        other = Space()
        other.mapped = set(self.mapped)
        other.freed = set(self.freed)
        return other

    def map(self, addr, length):
        for page in pages(addr, length):
            self.mapped.add(page)
            self.freed.discard(page)

    def unmap(self, addr, length):
        """Unmaps; returns (double-unmapped pages, never-seen pages)."""
        double, unknown = [], []
        for page in pages(addr, length):
            if page in self.mapped:
                self.mapped.discard(page)
                self.freed.add(page)
            elif page in self.freed:
                double.append(page)
            else:
                unknown.append(page)
        return double, unknown


def ranges(page_list):
    """[5,6,7,9] -> '0x5000-0x8000, 0x9000-0xa000'."""
    out = []
    for page in sorted(page_list):
        if out and out[-1][1] == page:
            out[-1][1] = page + 1
        else:
            out.append([page, page + 1])
    return ", ".join(f"{a * PAGE:#x}-{b * PAGE:#x}" for a, b in out)


def parse(lines):
    events, started, ended, lost = [], False, False, []
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields:
            continue
        kind = fields[0]
        if kind == "LEDGER-START":
            started = True
        elif kind == "LEDGER-END":
            ended = True
        elif kind in ("MMAP", "MUNMAP", "MREMAP", "EXEC", "FORK"):
            try:
                values = [int(f) for f in fields[1:]]
            except ValueError:
                raise SystemExit(f"line {number}: cannot parse {line!r}")
            events.append((values[0], number, kind, values[1:]))
        elif "lost" in line.lower():
            lost.append(line.strip())
    events.sort()
    return events, started, ended, lost


def check(lines, only_pid=None, quiet=False):
    """Returns (problems, stats) for the ledger's lines."""
    events, started, ended, lost = parse(lines)
    problems = []
    if not started:
        problems.append("no LEDGER-START line: bpftrace did not attach")
    if not ended:
        problems.append("no LEDGER-END line: the trace was cut short")
    for line in lost:
        problems.append(f"bpftrace lost events: {line}")
    spaces = {}
    whole_life = set()  # processes whose exec (or fork from such a process) the ledger saw
    selected = {only_pid} if only_pid is not None else None
    stats = {"mmap": 0, "munmap": 0, "mremap": 0, "processes": set()}

    def space(pid):
        return spaces.setdefault(pid, Space())

    for _, number, kind, values in events:
        if kind == "EXEC":
            spaces[values[0]] = Space()
            whole_life.add(values[0])
            continue
        if kind == "FORK":
            parent, child = values
            if parent != child and parent in spaces:
                spaces[child] = spaces[parent].copy()
                if parent in whole_life:
                    whole_life.add(child)
            if selected is not None and parent in selected:
                selected.add(child)
            continue
        pid = values[0]
        if selected is not None and pid not in selected:
            continue
        stats["processes"].add(pid)
        if kind == "MMAP":
            _, _, addr, length, _prot, _flags, _fd, ret = values
            if ret < 0:
                continue
            stats["mmap"] += 1
            space(pid).map(ret, length)
        elif kind == "MUNMAP":
            _, tid, addr, length, ret = values
            if ret != 0:
                continue
            stats["munmap"] += 1
            double, unknown = space(pid).unmap(addr, length)
            what = f"munmap({addr:#x}, {length:#x}) by pid {pid} tid {tid} (ledger line {number})"
            if double:
                problems.append(f"DOUBLE UNMAP: {what}: {ranges(double)} already unmapped")
            if unknown and pid in whole_life:
                problems.append(f"UNKNOWN UNMAP: {what}: {ranges(unknown)} never mapped")
        elif kind == "MREMAP":
            _, tid, addr, old_len, new_len, flags, ret = values
            if ret < 0:
                continue
            stats["mremap"] += 1
            s = space(pid)
            if not (flags & MREMAP_DONTUNMAP):
                double, unknown = s.unmap(addr, old_len)
                what = (f"mremap({addr:#x}, {old_len:#x}, {new_len:#x}) by pid {pid} tid {tid} "
                        f"(ledger line {number})")
                if double:
                    problems.append(f"DOUBLE UNMAP: {what}: {ranges(double)} already unmapped")
                if unknown and pid in whole_life:
                    problems.append(f"UNKNOWN UNMAP: {what}: {ranges(unknown)} never mapped")
            s.map(ret, new_len)
    if started and ended and stats["mmap"] == 0:
        problems.append("the ledger has no mmap of a ddreport process: nothing was traced")
    stats["processes"] = len(stats["processes"])
    if not quiet:
        print(f"mmap ledger: {stats['processes']} process(es), {stats['mmap']} mmap, "
              f"{stats['munmap']} munmap, {stats['mremap']} mremap; {len(problems)} problem(s)")
        for problem in problems:
            print(problem)
    return problems, stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ledger")
    parser.add_argument("--pid", type=int, default=None,
                        help="check only this process and those it forked")
    parser.add_argument("--quiet", action="store_true")
    options = parser.parse_args()
    try:
        with open(options.ledger) as f:
            lines = f.readlines()
    except OSError as e:
        print(f"check_mmap_ledger: {e}", file=sys.stderr)
        return 2
    problems, _ = check(lines, options.pid, options.quiet)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
