#!/usr/bin/env python3
"""A .NET app in another mount namespace, reported from outside it, gives the report it gets from
inside: its files are read through /proc/PID/root (ptrace/target_files.h).

The app is a copy of the self-contained test app on a private tmpfs /tmp of a private mount
namespace (`unshare -m`), so none of its paths exist in ours. `ddreport --pid` runs once from
here and once inside the namespace (nsenter); both reports must be complete, name the runtime
and its DAC at the app's own paths, and list the same managed frames, module paths and build
ids thread by thread. Needs root (mount namespaces). Every check prints ok:/FAIL:.

  usage: mount_namespace_test.py --tfm TFM --ddreport P --ddquery P --build-sh P
"""

import argparse
import os
import shutil
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import e2e  # noqa: E402
from e2e import check, fail  # noqa: E402


def snapshot(a, command, out):
    p = subprocess.run(command + [a.ddreport, "--pid", str(a.pid), "-o", out],
                       env=e2e.clean_env(), capture_output=True, text=True, timeout=120)
    report = None
    if os.path.exists(out):
        report = e2e.query_json(a, out)
    return p.returncode, p.stderr, report


def managed_by_thread(r):
    return {int(t["tid"]): e2e.managed_methods(t) for t in r["threads"]}


def modules(r):
    return sorted((m.get("path", ""), m.get("buildId", "")) for m in r.get("modules", []))


def main():
    ap = argparse.ArgumentParser()
    for k in ("tfm", "ddreport", "ddquery", "build-sh"):
        ap.add_argument("--" + k, required=True)
    a = ap.parse_args()
    a.ddreport, a.ddquery = os.path.realpath(a.ddreport), os.path.realpath(a.ddquery)
    if os.geteuid() != 0:
        fail("this test must run as root (it makes a mount namespace)")
        return 1
    src = os.path.join(e2e.test_apps_dir(a.build_sh), "testapp", a.tfm)
    if not os.path.isfile(os.path.join(src, e2e.APP)):
        fail("%s is missing: run tests/dotnet/build.sh first" % src)
        return 1
    work = os.environ.get("TEST_TMPDIR") or "/var/tmp"
    if os.path.realpath(work).startswith("/tmp/"):
        fail("the reports must be written outside /tmp, which the app's namespace hides")
        return 1
    app_dir = "/tmp/ddcrash-mntns-%s" % uuid.uuid4().hex
    # The app's /tmp is its own: the copy exists only there. It is made from a staging copy
    # outside /tmp, since the built app may itself live under /tmp (a clone there), which the
    # new tmpfs hides.
    staged = os.path.join(work, "staged-app")
    shutil.copytree(src, staged, symlinks=True)
    script = ("mount -t tmpfs -o mode=1777 tmpfs /tmp && cp -a '%s' '%s' && exec '%s/%s' live"
              % (staged, app_dir, app_dir, e2e.APP))
    print("== mount namespace on %s (app in %s, private)" % (a.tfm, app_dir), flush=True)
    app = e2e.LiveApp("unshare", ["-m", "--propagation", "private", "sh", "-c", script])
    try:
        a.pid = app.pid
        check(not os.path.exists(app_dir), "the app's directory is not in our mount namespace")
        check(os.readlink("/proc/%d/ns/mnt" % a.pid) != os.readlink("/proc/self/ns/mnt"),
              "the app runs in another mount namespace")
        rc_out, err_out, outside = snapshot(a, [], os.path.join(work, "outside.pb"))
        rc_in, err_in, inside = snapshot(a, ["nsenter", "-t", str(a.pid), "-m"],
                                         os.path.join(work, "inside.pb"))
        check(rc_out == 0 and outside is not None, "from outside: complete report (exit 0)",
              "exit %d: %s" % (rc_out, err_out))
        check(rc_in == 0 and inside is not None, "from inside: complete report (exit 0)",
              "exit %d: %s" % (rc_in, err_in))
        if outside is None or inside is None:
            return 1
        for what, r in (("outside", outside), ("inside", inside)):
            rt = r["process"].get("runtime") or {}
            check(rt.get("dacPath") == os.path.join(app_dir, "libmscordaccore.so"),
                  "%s: the DAC is named at the app's own path" % what, rt.get("dacPath", "(unset)"))
            check(not r["diagnostics"].get("incomplete"), "%s: not incomplete" % what)
        m_out, m_in = managed_by_thread(outside), managed_by_thread(inside)
        named = sum(len(v) for v in m_out.values())
        check(named > 0, "from outside: managed frames named (%d)" % named)
        check(m_out == m_in, "the same managed frames, thread by thread, from outside and inside",
              "outside %s\ninside %s" % (m_out, m_in))
        check(modules(outside) == modules(inside),
              "the same module paths and build ids from outside and inside")
        coreclr = [m for m in outside.get("modules", []) if m.get("path", "").endswith("/libcoreclr.so")]
        check(len(coreclr) == 1 and coreclr[0].get("path", "").startswith(app_dir + "/")
              and coreclr[0].get("buildId"), "libcoreclr.so listed at the app's path with a build id")
        symbolized = [f for t in outside["threads"] for f in t["frames"]
                      if f.get("kind") == "FRAME_KIND_NATIVE" and f.get("function")
                      and f.get("module", "").startswith(app_dir + "/")]
        check(symbolized, "native frames in the app's own libraries are symbolized from outside")
    finally:
        app.kill()
    return e2e.finish()


if __name__ == "__main__":
    sys.exit(main())
