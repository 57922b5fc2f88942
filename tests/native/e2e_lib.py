"""Helpers for the end-to-end tests of `ddreport --pid` (tests/native/*_test.py).

Every test script gets the paths of ddreport, ddquery and native_fixture as its first three
arguments (see BUILD.bazel). A check that fails is counted and printed; `finish()` exits
non-zero if any failed, and also if no check ran at all (a test never passes vacuously).
"""

import json
import os
import select
import subprocess
import sys
import tempfile
import time


class Checks:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, condition, message, detail=None):
        if condition:
            self.passed += 1
            print(f"ok: {message}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL: {message}", flush=True)
            if detail:
                print("  " + str(detail).replace("\n", "\n  "), flush=True)
        return condition

    def fatal(self, message, detail=None):
        self.check(False, message, detail)
        self.finish()

    def finish(self):
        print(f"{self.name}: {self.passed} checks passed, {self.failed} failed", flush=True)
        if self.passed == 0 and self.failed == 0:
            print(f"FAIL: {self.name} ran no checks", flush=True)
            sys.exit(1)
        sys.exit(1 if self.failed else 0)


def tools():
    """(ddreport, ddquery, fixture) as absolute paths, from argv[1:4]."""
    if len(sys.argv) < 4:
        print("usage: TEST DDREPORT DDQUERY NATIVE_FIXTURE [...]", file=sys.stderr)
        sys.exit(2)
    return tuple(os.path.abspath(p) for p in sys.argv[1:4])


def work_dir(prefix):
    return tempfile.mkdtemp(prefix=prefix + ".", dir=os.environ.get("TEST_TMPDIR", "/tmp"))


def task_ids(pid):
    try:
        return sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    except FileNotFoundError:
        return []


def task_state(pid, tid):
    """The one-letter state of /proc/PID/task/TID/stat, or None if the task is gone."""
    try:
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            stat = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat[stat.rindex(")") + 2]


def task_syscall(pid, tid):
    """The syscall number a blocked task is in (first field of .../syscall), or None."""
    try:
        with open(f"/proc/{pid}/task/{tid}/syscall") as f:
            first = f.read().split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError, PermissionError):
        return None
    return int(first) if first.lstrip("-").isdigit() else None


def tracer_pid(pid, tid):
    try:
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            for line in f:
                if line.startswith("TracerPid:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


SYS_READ = 0
SYS_PAUSE = 34


class Fixture:
    """native_fixture running with its stdin/stdout on pipes."""

    def __init__(self, fixture_path, args, ready_timeout=60.0, parked=True, preexec_fn=None):
        """Waits for READY and then (parked=True) until every thread is parked; `churn`
        threads never park. `preexec_fn` runs in the child before exec (e.g. to change user)."""
        self.proc = subprocess.Popen([fixture_path] + list(args), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, bufsize=0, preexec_fn=preexec_fn)
        self.pid = self.proc.pid
        self._buffer = b""
        line = self.read_line(ready_timeout)
        if line != f"READY {self.pid}":
            self.kill()
            raise RuntimeError(f"fixture {args} did not get ready: {line!r}")
        if parked:
            self._wait_parked(ready_timeout)

    def read_line(self, timeout):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            readable, _, _ = select.select([fd], [], [], left)
            if not readable:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()

    def _wait_parked(self, timeout):
        """Until the main thread blocks in read() and every other thread in pause()."""
        deadline = time.monotonic() + timeout
        while True:
            tids = task_ids(self.pid)
            waiting = [t for t in tids
                       if task_syscall(self.pid, t) != (SYS_READ if t == self.pid else SYS_PAUSE)]
            if not waiting:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(waiting)} threads never parked, e.g. {waiting[:5]}")
            time.sleep(0.005)

    def ping(self, timeout=5.0):
        """True when the fixture answers a line on stdin within `timeout` seconds."""
        token = f"ping-{time.monotonic_ns()}"
        try:
            self.proc.stdin.write((token + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            return False
        return self.read_line(timeout) == "pong " + token

    def states(self):
        return {tid: task_state(self.pid, tid) for tid in task_ids(self.pid)}

    def stopped_tasks(self):
        return {tid: s for tid, s in self.states().items() if s in ("t", "T")}

    def wait_not_stopped(self, timeout=1.0):
        """{} when no task is stopped (t/T) within `timeout`; else the stopped tasks."""
        deadline = time.monotonic() + timeout
        while True:
            stopped = self.stopped_tasks()
            if not stopped or time.monotonic() > deadline:
                return stopped
            time.sleep(0.01)

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


def run_ddreport(ddreport, args, env_extra=None, timeout=60):
    """Runs ddreport; returns (exit code, stderr text, seconds)."""
    env = dict(os.environ)
    env.setdefault("DDCRASH_REPORT_DIR", os.path.join(work_dir("reports"), "r"))
    if env_extra:
        env.update(env_extra)
    start = time.monotonic()
    done = subprocess.run([ddreport] + list(args), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)
    elapsed = time.monotonic() - start
    return done.returncode, done.stderr.decode(errors="replace"), elapsed


def resolve_frame_modules(report):
    """Gives every frame of a report's JSON (threads' and exceptions') a "module" key, its
    module's path ("" for none), as a reader resolves it: frames carry moduleIndex alone
    (0, the JSON default, is left out; an index out of range names no module)."""
    paths = [m.get("path", "") for m in report.get("modules", [])]

    def resolve(frames):
        for frame in frames:
            index = frame.get("moduleIndex", 0)
            frame["module"] = paths[index] if 0 <= index < len(paths) else ""

    def resolve_exception(exception, depth=0):
        if not exception or depth > 64:
            return
        resolve(exception.get("frames", []))
        resolve_exception(exception.get("inner"), depth + 1)
        for inner in exception.get("innerExceptions", []):
            resolve_exception(inner, depth + 1)

    for thread in report.get("threads", []):
        resolve(thread.get("frames", []))
        resolve_exception(thread.get("exception"))
    resolve_exception(report.get("exception"))
    return report


def query_json(ddquery, report_path):
    """ddquery --json of a report, its frames' modules resolved (resolve_frame_modules)."""
    done = subprocess.run([ddquery, report_path, "--json"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"ddquery --json exited {done.returncode}: {done.stderr.decode()}")
    return resolve_frame_modules(json.loads(done.stdout))


def function_names(thread):
    return [frame.get("function", "") for frame in thread.get("frames", [])]


def base_name(function):
    """'ns::Foo(int)' -> 'ns::Foo'; 'ns::Unroll<3>::Go(int)' -> 'ns::Unroll<3>::Go'."""
    depth = 0
    for i, c in enumerate(function):
        if c in "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "(" and depth == 0 and i > 0:
            return function[:i]
    return function
