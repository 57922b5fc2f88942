#!/usr/bin/env python3
"""Where `ddreport` puts reports, and that no other user can redirect or delete them.

Runs as root and plays two throwaway users (uids with no passwd entry; setresuid before
exec), each snapshotting a native_fixture of their own with `ddreport --pid`:
- the default directory is per user (/tmp/ddcrash-<uid>, created 0700 and owned by that
  user): both users get a report, neither stands in the other's way;
- a directory another user planted at a user's default path, or a symlink there to the
  planter's own directory, is refused with exit 5 and a clear message, and nothing is written
  into or pruned from the planted target (also when root runs ddreport on it);
- DDCRASH_MAX_REPORTS counts per executable: one executable's repeated reports never evict
  another's, nor a file named like a report that is not one;
- a 240-character executable name still gets a report (the file name is cut, the report keeps
  the full path);
- a failed attach in createdump mode (the target is already traced) leaves no report behind.
"""

import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

checks = e2e_lib.Checks("report_storage_test")
check = checks.check


def as_user(uid):
    def become():
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    return become


def default_dir(uid):
    return f"/tmp/ddcrash-{uid}"


def env_without_report_dir(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DDCRASH_")}
    env.update(extra)
    return env


def snapshot(ddreport, pid, uid=None, env=None):
    done = subprocess.run([ddreport, "--pid", str(pid)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60,
                          env=env if env is not None else env_without_report_dir(),
                          preexec_fn=as_user(uid) if uid is not None else None)
    return done.returncode, done.stderr.decode(errors="replace")


def listing(d):
    try:
        return sorted(os.listdir(d))
    except FileNotFoundError:
        return None


def reports(d):
    return [n for n in (listing(d) or []) if n.startswith("ddcrash.") and n.endswith(".pb")]


def per_user_defaults(ddreport, fixture, users):
    for uid in users:
        with e2e_lib.Fixture(fixture, ["shapes"], preexec_fn=as_user(uid)) as target:
            rc, err = snapshot(ddreport, target.pid, uid)
        d = default_dir(uid)
        check(rc == 0, f"uid {uid}: ddreport --pid without DDCRASH_REPORT_DIR exits 0 (got {rc})",
              err)
        check(len(reports(d)) == 1, f"uid {uid}: its report is in {d}", listing(d))
        try:
            st = os.lstat(d)
            check(stat.S_ISDIR(st.st_mode) and st.st_uid == uid and
                  stat.S_IMODE(st.st_mode) == 0o700,
                  f"uid {uid}: {d} is a directory owned by it, mode 0700",
                  f"uid {st.st_uid} mode {oct(st.st_mode)}")
        except FileNotFoundError:
            check(False, f"uid {uid}: {d} exists")


def planted(ddreport, fixture, victim, attacker, attacker_dir):
    """`attacker` plants the victim's default directory, as a symlink and as a directory."""
    own = os.path.join(attacker_dir, "loot")
    os.makedirs(own)
    os.chown(own, attacker, attacker)
    os.chmod(own, 0o700)
    planted_path = default_dir(victim)
    for kind in ("symlink", "directory"):
        if kind == "symlink":
            os.symlink(own, planted_path)
            os.lchown(planted_path, attacker, attacker)
            want = "symbolic link"
        else:
            os.mkdir(planted_path)
            os.chown(planted_path, attacker, attacker)
            os.chmod(planted_path, 0o777)
            want = f"owned by uid {attacker}"
        with e2e_lib.Fixture(fixture, ["shapes"], preexec_fn=as_user(victim)) as target:
            rc, err = snapshot(ddreport, target.pid, victim)
            check(rc == 5, f"planted {kind}: uid {victim}'s ddreport exits 5 (got {rc})", err)
            check(want in err and planted_path in err,
                  f"planted {kind}: the message names {planted_path} and says {want!r}", err)
            check(target.alive() and not target.wait_not_stopped(),
                  f"planted {kind}: the target runs on")
        check(listing(own) == [], f"planted {kind}: nothing written into the planted target",
              listing(own))
        if kind == "directory":
            check(listing(planted_path) == [], "planted directory: nothing written into it",
                  listing(planted_path))
        # Root, pointed at the symlink, neither writes into nor prunes its target.
        if kind == "symlink":
            with e2e_lib.Fixture(fixture, ["shapes"]) as target:
                rc, _ = snapshot(ddreport, target.pid, None, env_without_report_dir(
                    DDCRASH_REPORT_DIR=planted_path, DDCRASH_MAX_REPORTS="1"))
            check(rc == 5, f"planted symlink: root's ddreport refuses it too (exit {rc})")
            check(listing(own) == [], "planted symlink: root wrote nothing through it",
                  listing(own))
            os.unlink(planted_path)
        else:
            os.rmdir(planted_path)


def per_executable_limit(ddreport, fixture, uid, work):
    d = os.path.join(work, f"limit-{uid}")
    os.makedirs(d, mode=0o700)
    os.chown(d, uid, uid)
    other = os.path.join(work, "bin", "other_app")
    shutil.copy2(fixture, other)
    env = env_without_report_dir(DDCRASH_REPORT_DIR=d, DDCRASH_MAX_REPORTS="2")
    for _ in range(2):
        with e2e_lib.Fixture(other, ["shapes"], preexec_fn=as_user(uid)) as target:
            rc, err = snapshot(ddreport, target.pid, uid, env)
        check(rc == 0, f"limit: other_app snapshot exits 0 (got {rc})", err)
    others = [n for n in reports(d) if n.startswith("ddcrash.other_app.")]
    check(len(others) == 2, "limit: two reports of other_app", listing(d))
    # Named like a report of native_fixture, but not one: never pruned.
    fake = os.path.join(d, "ddcrash.native_fixture.1.1.pb")
    with open(fake, "w") as f:
        f.write("my notes")
    os.chown(fake, uid, uid)
    os.utime(fake, (1, 1))
    for _ in range(4):
        with e2e_lib.Fixture(fixture, ["shapes"], preexec_fn=as_user(uid)) as target:
            rc, err = snapshot(ddreport, target.pid, uid, env)
        check(rc == 0, f"limit: native_fixture snapshot exits 0 (got {rc})", err)
    names = reports(d)
    mine = [n for n in names
            if n.startswith("ddcrash.native_fixture.") and n != os.path.basename(fake)]
    check(len(mine) == 2, "limit: native_fixture keeps its 2 newest reports", names)
    check([n for n in names if n.startswith("ddcrash.other_app.")] == sorted(others),
          "limit: other_app's reports survive native_fixture's", names)
    check(os.path.exists(fake), "limit: a file named like a report but not one survives", names)


def long_name(ddreport, ddquery, fixture, uid, work):
    d = os.path.join(work, f"long-{uid}")
    os.makedirs(d, mode=0o700)
    os.chown(d, uid, uid)
    exe = os.path.join(work, "bin", "L" * 240)
    shutil.copy2(fixture, exe)
    env = env_without_report_dir(DDCRASH_REPORT_DIR=d)
    with e2e_lib.Fixture(exe, ["shapes"], preexec_fn=as_user(uid)) as target:
        rc, err = snapshot(ddreport, target.pid, uid, env)
    check(rc == 0, f"240-character executable name: ddreport exits 0 (got {rc})", err)
    names = reports(d)
    if check(len(names) == 1 and len(names[0]) < 200,
             "240-character executable name: one report, its file name cut", names):
        report = e2e_lib.query_json(ddquery, os.path.join(d, names[0]))
        check(report.get("process", {}).get("exe") == exe,
              "240-character executable name: the report keeps the full path",
              report.get("process", {}).get("exe"))


# Seizes every thread of a process (PTRACE_SEIZE: traced without being stopped) and holds it
# until stdin closes; the tracees are detached when it exits.
TRACER = r"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
pid = int(sys.argv[1])
for tid in sorted(int(t) for t in os.listdir(f"/proc/{pid}/task")):
    if libc.ptrace(0x4206, tid, None, None) != 0:
        print("seize failed:", tid, os.strerror(ctypes.get_errno()), flush=True)
        sys.exit(1)
print("seized", flush=True)
sys.stdin.read()
"""


def failed_attach(ddreport, fixture, work):
    d = os.path.join(work, "attach")
    os.makedirs(d, mode=0o700)
    with e2e_lib.Fixture(fixture, ["shapes"]) as target:
        tracer = subprocess.Popen([sys.executable, "-c", TRACER, str(target.pid)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        try:
            line = tracer.stdout.readline().decode().strip()
            if line != "seized":
                checks.fatal("another tracer holds the fixture", line)
            # ddreport's attach is refused: the threads are traced already.
            done = subprocess.run(
                [ddreport, "createdump", "/usr/share/dotnet/createdump", str(target.pid),
                 "--signal", "11", "--crashthread", str(target.pid)], stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, timeout=30,
                env=env_without_report_dir(DDCRASH_REPORT_DIR=d))
        finally:
            tracer.stdin.close()
            tracer.wait(timeout=10)
        err = done.stderr.decode(errors="replace")
    check(done.returncode == 4, f"failed attach: createdump mode exits 4 (got {done.returncode})",
          err)
    check(listing(d) == [], "failed attach: no report (no stray checkpoint) is left", listing(d))


def main():
    ddreport, ddquery, fixture = e2e_lib.tools()
    if os.geteuid() != 0:
        checks.fatal("this test plays other users: it must run as root")
    # Runfiles live under /root, which other users cannot enter: copies they can run.
    work = tempfile.mkdtemp(prefix="ddcrash-storage-test.", dir="/tmp")
    os.chmod(work, 0o755)
    bindir = os.path.join(work, "bin")
    os.makedirs(bindir)
    os.chmod(bindir, 0o755)
    tools = {}
    for name, path in (("ddreport", ddreport), ("native_fixture", fixture)):
        tools[name] = os.path.join(bindir, name)
        shutil.copy2(path, tools[name])
        os.chmod(tools[name], 0o755)
    # Throwaway uids, far from real accounts and random so that parallel runs do not meet.
    base = random.randrange(200000, 900000, 3)
    alice, bob, carol = base, base + 1, base + 2
    try:
        for uid in (alice, bob, carol):
            shutil.rmtree(default_dir(uid), ignore_errors=True)
        per_user_defaults(tools["ddreport"], tools["native_fixture"], [alice, bob])
        planted(tools["ddreport"], tools["native_fixture"], carol, bob, work)
        per_executable_limit(tools["ddreport"], tools["native_fixture"], alice, work)
        long_name(tools["ddreport"], ddquery, tools["native_fixture"], bob, work)
        failed_attach(tools["ddreport"], tools["native_fixture"], work)
    finally:
        for uid in (alice, bob, carol):
            path = default_dir(uid)
            if os.path.islink(path):
                os.unlink(path)
            else:
                shutil.rmtree(path, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    checks.finish()


if __name__ == "__main__":
    main()
