#!/usr/bin/env python3
"""A .NET app in another mount namespace, reported from outside it, gives the report it gets from
inside: its files are read through /proc/PID/root (ptrace/target_files.h).

The app is a copy of the self-contained test app on a private tmpfs /tmp of a private mount
namespace (`unshare -m`), so none of its paths exist in ours. `ddreport --pid` runs once from
here and once inside the namespace (nsenter); both reports must be complete, name the runtime
and its DAC at the app's own paths, and list the same managed frames, module paths and build
ids thread by thread. Then the single-file app (tests/dotnet/build_shapes.sh) the same way, from
outside only, with a DDCRASH_DAC_DIR (tools/fill_dac_dir.sh): its bundled assemblies are read
from the executable through the target's view, and the app's PDB beside it gives lines. Needs
root (mount namespaces). Every check prints ok:/FAIL:.

  usage: mount_namespace_test.py --tfm TFM --ddreport P --ddquery P --build-sh P --fill-dac-dir P
"""

import argparse
import glob
import os
import pwd
import shutil
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import e2e  # noqa: E402
from e2e import check, fail  # noqa: E402


def snapshot(a, command, out, **env):
    p = subprocess.run(command + [a.ddreport, "--pid", str(a.pid), "-o", out],
                       env=e2e.clean_env(**env), capture_output=True, text=True, timeout=120)
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
    for k in ("tfm", "ddreport", "ddquery", "build-sh", "fill-dac-dir"):
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
    singlefile(a, work)
    return e2e.finish()


def start_private(src, work, name, args):
    """`src`'s copy in a private /tmp of a new mount namespace, `name` in it run with `args`;
    returns (the live app, the copy's directory)."""
    app_dir = "/tmp/ddcrash-mntns-%s" % uuid.uuid4().hex
    staged = os.path.join(work, "staged-%s" % uuid.uuid4().hex)
    shutil.copytree(src, staged, symlinks=True)
    script = ("mount -t tmpfs -o mode=1777 tmpfs /tmp && cp -a '%s' '%s' && exec '%s/%s' %s"
              % (staged, app_dir, app_dir, name, args))
    return e2e.LiveApp("unshare", ["-m", "--propagation", "private", "sh", "-c", script]), app_dir


def singlefile(a, work):
    src = os.path.join(e2e.test_apps_dir(a.build_sh), "shapes", "singlefile", a.tfm)
    if not os.path.isfile(os.path.join(src, "Ddcrash.Shapes")):
        fail("%s is missing: run tests/dotnet/build.sh first" % src)
        return
    dac_dir = os.path.join(work, "dacs")
    packs = glob.glob(os.path.join(pwd.getpwuid(os.getuid()).pw_dir, ".nuget", "packages",
                                   "microsoft.netcore.app.runtime.linux-x64", "*", "runtimes",
                                   "linux-x64", "native"))
    p = subprocess.run([a.fill_dac_dir, dac_dir] + packs, capture_output=True, text=True)
    check(p.returncode == 0, "single-file: tools/fill_dac_dir.sh fills a DAC directory", p.stderr)
    print("== mount namespace, single-file %s" % a.tfm, flush=True)
    app, app_dir = start_private(src, work, "Ddcrash.Shapes", "live")
    try:
        a.pid = app.pid
        rc, err, r = snapshot(a, [], os.path.join(work, "singlefile.pb"), DDCRASH_DAC_DIR=dac_dir)
        check(rc == 0 and r is not None, "single-file from outside: complete report (exit 0)",
              "exit %d: %s" % (rc, err))
        if r is None:
            return
        dll = [m for m in r["modules"] if m.get("path") == app_dir + "/Ddcrash.Shapes.dll"]
        check(dll and all(m.get("format") == "MODULE_FORMAT_PE"
                          and (m.get("bundled") or {}).get("executable") == app_dir + "/Ddcrash.Shapes"
                          and (m.get("managed") or {}).get("mvid") for m in dll),
              "single-file: the bundled Ddcrash.Shapes.dll, named at the app's path, has its MVID",
              str(dll))
        check(dll and (dll[0].get("managed") or {}).get("pdbLocation")
              == app_dir + "/Ddcrash.Shapes.pdb",
              "single-file: its PDB beside the executable, in the app's view, matched", str(dll))
        parked = [f for t in r["threads"] for f in t["frames"]
                  if (f.get("managed") or {}).get("method") == "Ddcrash.Shapes.Parker.Park"]
        check(parked and all((f["managed"].get("sourceFile") or "").endswith("/Program.cs")
                             for f in parked),
              "single-file: Ddcrash.Shapes.Parker.Park frames have source lines")
    finally:
        app.kill()


if __name__ == "__main__":
    sys.exit(main())
