#!/usr/bin/env python3
"""Checks a ledger written by tools/mmap_ledger.bt: replays every successful mmap, mremap and
munmap of each ddreport process -- each process on its own, a forked child starting from a copy
of its parent's mappings -- page by page, and fails on a munmap of memory the process did not
have mapped at that moment:

  DOUBLE UNMAP   pages this process had mapped and already unmapped (libunwind issue #738:
                 elf_map_image unmaps an invalid image, and it is unmapped again later)
  UNKNOWN UNMAP  pages the ledger never saw mapped, in a process whose whole life the ledger
                 saw (its exec, or its fork from such a process); memory the kernel mapped
                 at exec -- the executable, ld.so, the stack, the vdso -- is not in the
                 ledger, so a munmap of such memory shows up here too. For a process that
                 was already running when the trace started, only DOUBLE UNMAP counts.

  usage: check_mmap_ledger.py LEDGER [--pid PID | --ppid PID] [--expect-mapped NAME]...
                              [--json FILE] [--quiet]
--pid checks only that process and the processes it forked; --ppid only the ddreport
processes that PID started (exec'd in a child of PID: the hook's ddreport at a crash has the
crashing app as its parent) and what they forked. Without either, every ddreport process in
the ledger (other ddreport processes on the machine may be in a system-wide ledger).
--expect-mapped NAME fails unless a checked process mapped a file named NAME (proof that the
trace covered the part of ddreport that loads it, e.g. libmscordaccore.so in the DAC child).
--json FILE writes the result (problems, and per process: how it started, its parent, whether
its exit was seen, its mmap/munmap/mremap counts and the files it mapped).
Exit status: 0 clean, 1 a bad munmap (or a broken ledger: no LEDGER-START/END, lost events, no
mmap at all, no process selected, an expected file never mapped), 2 usage.
"""

import argparse
import json
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


class Process:
    """One ddreport process's ledger."""

    def __init__(self, pid):
        self.pid = pid
        self.origin = "running"  # "exec", "fork" or "running" (already there at LEDGER-START)
        self.parent = None
        self.exited = False
        self.space = Space()
        self.mmap = 0
        self.munmap = 0
        self.mremap = 0
        self.files = []  # names of the files it mapped, first mapping first

    def summary(self):
        return {"pid": self.pid, "origin": self.origin, "parent": self.parent,
                "exited": self.exited, "mmap": self.mmap, "munmap": self.munmap,
                "mremap": self.mremap, "files": self.files}


def ranges(page_list):
    """[5,6,7,9] -> '0x5000-0x8000, 0x9000-0xa000'."""
    out = []
    for page in sorted(page_list):
        if out and out[-1][1] == page:
            out[-1][1] = page + 1
        else:
            out.append([page, page + 1])
    return ", ".join(f"{a * PAGE:#x}-{b * PAGE:#x}" for a, b in out)


# Number of integer fields after the kind (the time first); an MMAP line may end with the name
# of the mapped file (a ledger from an older mmap_ledger.bt has none, nor EXEC's parent).
FIELDS = {"MMAP": 9, "MUNMAP": 6, "MREMAP": 8, "EXEC": 2, "FORK": 3, "EXIT": 2}


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
        elif kind in FIELDS:
            count = FIELDS[kind]
            if kind == "MMAP" and len(fields) > count + 1:
                # The name is the rest of the line (a file name may contain spaces).
                numbers = line.split(None, count + 1)[1:count + 1]
                name = line.split(None, count + 1)[count + 1].rstrip("\n")
            else:
                numbers, name = fields[1:], None
            try:
                values = [int(f) for f in numbers]
            except ValueError:
                raise SystemExit(f"line {number}: cannot parse {line!r}")
            if len(values) < count:
                raise SystemExit(f"line {number}: too few fields in {line!r}")
            if kind == "MMAP":
                values.append(None if name in (None, "-") else name)
            events.append((values[0], number, kind, values[1:]))
        elif "lost" in line.lower():
            lost.append(line.strip())
    events.sort(key=lambda e: (e[0], e[1]))
    return events, started, ended, lost


def check(lines, only_pid=None, only_ppid=None, expect_mapped=(), quiet=False):
    """Returns (problems, stats) for the ledger's lines; stats["processes"] lists the
    summaries of the processes checked."""
    events, started, ended, lost = parse(lines)
    problems = []
    if not started:
        problems.append("no LEDGER-START line: bpftrace did not attach")
    if not ended:
        problems.append("no LEDGER-END line: the trace was cut short")
    for line in lost:
        problems.append(f"bpftrace lost events: {line}")
    processes = {}
    whole_life = set()  # processes whose exec (or fork from such a process) the ledger saw
    if only_pid is not None:
        selected = {only_pid}
    elif only_ppid is not None:
        selected = set()
    else:
        selected = None

    def process(pid):
        if pid not in processes:
            processes[pid] = Process(pid)
        return processes[pid]

    def report_unmap(p, double, unknown, what):
        if selected is not None and p.pid not in selected:
            return
        if double:
            problems.append(f"DOUBLE UNMAP: {what}: {ranges(double)} already unmapped")
        if unknown and p.pid in whole_life:
            problems.append(f"UNKNOWN UNMAP: {what}: {ranges(unknown)} never mapped")

    for _, number, kind, values in events:
        if kind == "EXEC":
            pid, parent = values[0], (values[1] if len(values) > 1 else None)
            p = processes[pid] = Process(pid)
            p.origin, p.parent = "exec", parent
            whole_life.add(pid)
            if only_ppid is not None and parent == only_ppid:
                selected.add(pid)
            continue
        if kind == "FORK":
            parent, child = values
            if parent == child:
                continue
            # A new thread of `parent` shows up here too (its tid as `child`): it gets a
            # Process that no event ever names, since events name the process, not the thread.
            p = processes[child] = Process(child)
            p.origin, p.parent = "fork", parent
            if parent in processes:
                p.space = processes[parent].space.copy()
            if parent in whole_life:
                whole_life.add(child)
            if selected is not None and parent in selected:
                selected.add(child)
            continue
        pid = values[0]
        # Every process is replayed (a child starts from its parent's mappings, selected or
        # not); only the selected ones are reported.
        p = process(pid)
        if kind == "EXIT":
            p.exited = True
        elif kind == "MMAP":
            _, _, addr, length, _prot, _flags, _fd, ret, name = values
            if ret < 0:
                continue
            p.mmap += 1
            p.space.map(ret, length)
            if name is not None and name not in p.files:
                p.files.append(name)
        elif kind == "MUNMAP":
            _, tid, addr, length, ret = values
            if ret != 0:
                continue
            p.munmap += 1
            double, unknown = p.space.unmap(addr, length)
            report_unmap(p, double, unknown,
                         f"munmap({addr:#x}, {length:#x}) by pid {pid} tid {tid} "
                         f"(ledger line {number})")
        elif kind == "MREMAP":
            _, tid, addr, old_len, new_len, flags, ret = values
            if ret < 0:
                continue
            p.mremap += 1
            if not (flags & MREMAP_DONTUNMAP):
                double, unknown = p.space.unmap(addr, old_len)
                report_unmap(p, double, unknown,
                             f"mremap({addr:#x}, {old_len:#x}, {new_len:#x}) by pid {pid} "
                             f"tid {tid} (ledger line {number})")
            p.space.map(ret, new_len)

    # The processes checked: those that did something or whose exec or exit the ledger saw
    # (not the threads that FORK lines name).
    checked = [p for pid, p in sorted(processes.items())
               if (selected is None or pid in selected)
               and (p.mmap or p.munmap or p.mremap or p.exited or p.origin == "exec")]
    total = {k: sum(getattr(p, k) for p in checked) for k in ("mmap", "munmap", "mremap")}
    if only_pid is not None and not any(p.pid == only_pid for p in checked):
        problems.append(f"the ledger has nothing of pid {only_pid}")
    if only_ppid is not None and not checked:
        problems.append(f"the ledger has no ddreport started by pid {only_ppid}")
    if started and ended and checked and total["mmap"] == 0:
        problems.append("the ledger has no mmap of a ddreport process: nothing was traced")
    if started and ended and selected is None and not checked:
        problems.append("the ledger has no ddreport process at all: nothing was traced")
    for name in expect_mapped:
        if not any(name in p.files for p in checked):
            problems.append(f"no checked process mapped a file named {name}")
    stats = dict(total, processes=[p.summary() for p in checked])
    if not quiet:
        print(f"mmap ledger: {len(checked)} process(es), {total['mmap']} mmap, "
              f"{total['munmap']} munmap, {total['mremap']} mremap; {len(problems)} problem(s)")
        for p in checked:
            how = {"exec": "exec'd" + (f" by {p.parent}" if p.parent is not None else ""),
                   "fork": f"forked by {p.parent}", "running": "running before the trace"}[p.origin]
            files = ", ".join(p.files) if p.files else "no file"
            print(f"  pid {p.pid}: {how}{', exited' if p.exited else ''}: {p.mmap} mmap, "
                  f"{p.munmap} munmap, {p.mremap} mremap; mapped {files}")
        for problem in problems:
            print(problem)
    return problems, stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ledger")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--pid", type=int, default=None,
                       help="check only this process and those it forked")
    which.add_argument("--ppid", type=int, default=None,
                       help="check only the ddreport processes this process started, and "
                       "those they forked")
    parser.add_argument("--expect-mapped", action="append", default=[], metavar="NAME",
                        help="fail unless a checked process mapped a file named NAME")
    parser.add_argument("--json", metavar="FILE", help="write the result as JSON to FILE")
    parser.add_argument("--quiet", action="store_true")
    options = parser.parse_args()
    try:
        with open(options.ledger, errors="replace") as f:
            lines = f.readlines()
    except OSError as e:
        print(f"check_mmap_ledger: {e}", file=sys.stderr)
        return 2
    problems, stats = check(lines, options.pid, options.ppid, options.expect_mapped,
                            options.quiet)
    if options.json:
        with open(options.json, "w") as f:
            json.dump(dict(stats, problems=problems), f, indent=1)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
