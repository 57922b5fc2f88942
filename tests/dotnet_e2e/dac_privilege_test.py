#!/usr/bin/env python3
"""Root's `ddreport --pid` on another user's .NET app never runs that user's files as root.

The DAC (libmscordaccore.so beside the runtime) is a library whose constructors run in the
process that loads it, and its build id and version stamp are easy to forge. So the DAC process
drops to the target's credentials before loading it, and refuses a DAC that anyone but root and
that user could have written. Three runs against the same self-contained app, copied into a
directory the app's user owns and started as that user:
  1. the app's own DAC: the snapshot still names managed frames (the confined DAC process reads
     the target's memory through what it opened before dropping);
  2. a planted DAC (a library carrying the runtime's version stamp, whose constructor writes the
     uid it runs as to a witness file): it runs as the app's user, never as root, and the report
     says the DAC stage failed;
  3. the planted DAC owned by a third user: refused before it is loaded (no witness), and the
     report says why.
Two throwaway system users are created when missing. Every check prints ok:/FAIL:.

  usage: dac_privilege_test.py --tfm TFM --ddreport P --ddquery P --build-sh P
"""

import argparse
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import e2e  # noqa: E402
from e2e import check, fail  # noqa: E402

APP_USER = "ddcrash-app"
OTHER_USER = "ddcrash-other"

PLANTED_DAC_C = r"""
#include <stdio.h>
#include <unistd.h>
/* In .data, where the runtime keeps its stamp: the locator matches it byte for byte. */
char ddcrash_forged_stamp[] = STAMP;
__attribute__((constructor)) static void planted(void) {
  FILE* f = fopen(WITNESS, "w");
  if (f) { fprintf(f, "uid=%d euid=%d\n", (int)getuid(), (int)geteuid()); fclose(f); }
}
"""


def ensure_user(name):
    try:
        return pwd.getpwnam(name)
    except KeyError:
        # Another runtime's run of this test may be adding it at the same moment.
        subprocess.run(["/usr/sbin/useradd", "--system", "--no-create-home",
                        "--shell", "/usr/sbin/nologin", name], capture_output=True)
        return pwd.getpwnam(name)


def runtime_stamp(libcoreclr):
    with open(libcoreclr, "rb") as f:
        data = f.read()
    at = data.find(b"@(#)Version ")
    if at < 0:
        raise RuntimeError("no version stamp in " + libcoreclr)
    return data[at:data.index(b"\0", at)].decode()


def chown_tree(root, uid, gid):
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            os.lchown(os.path.join(d, n), uid, gid)
    os.lchown(root, uid, gid)


def snapshot_json(a, pid, out):
    p = subprocess.run([a.ddreport, "--pid", str(pid), "-o", out], env=e2e.clean_env(),
                       capture_output=True, text=True, timeout=120)
    if not os.path.isfile(out):
        raise RuntimeError("no report (ddreport exited %d): %s" % (p.returncode, p.stderr))
    q = subprocess.run([a.ddquery, out, "--json"], capture_output=True, text=True, timeout=60)
    import json
    return p.returncode, json.loads(q.stdout)


def dac_reasons(r):
    return [i.get("reason", "") for i in (r.get("diagnostics") or {}).get("incompleteReasons", [])
            if i.get("stage") == "dac"]


def managed_frame_count(r):
    return sum(1 for t in r.get("threads", []) for f in t.get("frames", []) if e2e.mname(f))


def main():
    ap = argparse.ArgumentParser()
    for k in ("tfm", "ddreport", "ddquery", "build-sh"):
        ap.add_argument("--" + k, required=True)
    a = ap.parse_args()
    a.ddreport, a.ddquery = os.path.realpath(a.ddreport), os.path.realpath(a.ddquery)
    if os.geteuid() != 0:
        fail("this test must run as root (it reports on another user's process)")
        return 1
    src = os.path.join(e2e.test_apps_dir(a.build_sh), "testapp", a.tfm)
    if not os.path.isfile(os.path.join(src, e2e.APP)):
        fail("%s is missing: run tests/dotnet/build.sh first" % src)
        return 1
    app_user, other = ensure_user(APP_USER), ensure_user(OTHER_USER)
    user = (app_user.pw_uid, app_user.pw_gid)

    # Outside TEST_TMPDIR (root's 0700 cache): the app's user must reach its own files.
    work = tempfile.mkdtemp(prefix="ddcrash-dacpriv.", dir="/tmp")
    os.chmod(work, 0o755)
    app_dir = os.path.join(work, "app")
    shutil.copytree(src, app_dir, symlinks=True)
    witness = os.path.join(work, "witness")
    planted = os.path.join(work, "planted.so")
    dac = os.path.join(app_dir, "libmscordaccore.so")
    stamp = runtime_stamp(os.path.join(app_dir, "libcoreclr.so"))
    c_file = os.path.join(work, "planted.c")
    with open(c_file, "w") as f:
        f.write(PLANTED_DAC_C)
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", planted, c_file,
                    '-DSTAMP="%s"' % stamp, '-DWITNESS="%s"' % witness], check=True)
    chown_tree(app_dir, *user)
    os.chown(work, *user)  # the planted constructor (as the app's user) writes the witness here
    print("== DAC privilege on %s (app as uid %d, in %s)" % (a.tfm, user[0], app_dir), flush=True)
    env = e2e.clean_env(HOME=work)

    app = e2e.LiveApp(os.path.join(app_dir, e2e.APP), env=env, user=user)
    try:
        # 1. The app's own DAC, owned by the app's user: still names managed frames.
        rc, r = snapshot_json(a, app.pid, os.path.join(work, "own.pb"))
        check(rc == 0 and managed_frame_count(r) > 0,
              "own DAC owned by the app's user: snapshot complete with managed frames",
              "exit %d, %d managed frames, dac reasons %s"
              % (rc, managed_frame_count(r), dac_reasons(r)))

        # 2. A planted DAC with a forged stamp: runs, but as the app's user, never as root.
        os.rename(dac, dac + ".real")
        shutil.copy(planted, dac)
        os.chown(dac, *user)
        rc, r = snapshot_json(a, app.pid, os.path.join(work, "planted.pb"))
        ran_as = open(witness).read().strip() if os.path.exists(witness) else ""
        check(ran_as == "uid=%d euid=%d" % (user[0], user[0]),
              "planted DAC ran as the app's user (uid %d), not as root" % user[0],
              "witness: %r" % ran_as)
        check(rc == 1 and dac_reasons(r),
              "planted DAC: report marked incomplete by the dac stage",
              "exit %d, %s" % (rc, dac_reasons(r)))

        # 3. The planted DAC owned by a third user: refused unread, with the reason.
        os.remove(witness) if os.path.exists(witness) else None
        os.chown(dac, other.pw_uid, other.pw_gid)
        rc, r = snapshot_json(a, app.pid, os.path.join(work, "foreign.pb"))
        check(not os.path.exists(witness), "a DAC owned by a third user is never loaded")
        reasons = " ".join(dac_reasons(r))
        check("refused" in reasons and ("owned by uid %d" % other.pw_uid) in reasons,
              "the report says why the DAC was refused", reasons)
        app.check_running_then_term("after three snapshots")
    finally:
        app.kill()
        shutil.rmtree(work, ignore_errors=True)
    return e2e.finish()


if __name__ == "__main__":
    sys.exit(main())
