"""ddquery --symbolize on a real snapshot: a native fixture parked inside a stripped library
(tests/fleet/fleet_lib.cc) is captured by `ddreport --pid`; the frames in the library have no
name. They come back named from a real debuginfod server (elfutils' `debuginfod -F`, started
here on 127.0.0.1), from an SSQP directory and an SSQP server; a server answering 404, one that
accepts and never answers (the timeout holds), a corrupt debug file and a build id mismatch
cost the names, never the run.

argv: ddreport ddquery symbolize_fixture stripped/libfleet.so libfleet.so.debug
"""

import hashlib
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

DDREPORT, DDQUERY, FIXTURE, LIBRARY, DEBUG_FILE = (os.path.abspath(p) for p in sys.argv[1:6])
WORK = tempfile.mkdtemp(prefix="symbolize.", dir=os.environ.get("TEST_TMPDIR", "/tmp"))
INNER = ("FleetInnermost", "FleetMiddle")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "native"))
import e2e_lib  # noqa: E402

CHECKS = e2e_lib.Checks("symbolize_test")
check = CHECKS.check
finish = CHECKS.finish


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def snapshot():
    """report.pb of the fixture parked in the stripped library."""
    proc = subprocess.Popen([FIXTURE, LIBRARY], stdout=subprocess.PIPE)
    try:
        line = proc.stdout.readline().decode().strip()
        if line != f"READY {proc.pid}":
            check(False, "fixture ready", line)
            finish()
        report = os.path.join(WORK, "report.pb")
        done = subprocess.run([DDREPORT, "--pid", str(proc.pid), "-o", report],
                              stderr=subprocess.PIPE, timeout=60)
        check(done.returncode == 0, "ddreport --pid captured the fixture", done.stderr.decode())
        return report
    finally:
        proc.kill()
        proc.wait()


def as_json(report):
    return e2e_lib.query_json(DDQUERY, report)


def library_frames(report_json):
    frames = []
    for thread in report_json["threads"]:
        for frame in thread.get("frames", []):
            if os.path.basename(frame.get("module", "")) == "libfleet.so":
                frames.append(frame)
    return frames


def symbolize(report, out, extra_args=(), env_extra=None, timeout=120, cache=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUGINFOD_URLS", "DDCRASH_DEBUG_PATH", "DDCRASH_SSQP")}
    env.update(env_extra or {})
    cache = cache or os.path.join(WORK, f"cache-{os.path.basename(out or 'default')}")
    args = [DDQUERY, "--symbolize", report, "--cache", cache]
    if out:
        args += ["-o", out]
    start = time.monotonic()
    done = subprocess.run(args + list(extra_args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, timeout=timeout)
    return done.returncode, done.stdout.decode() + done.stderr.decode(), time.monotonic() - start


def named_from(out, source_prefix):
    """The library's frames of `out` and whether both inner ones are named from the source."""
    frames = library_frames(as_json(out))
    names = [f.get("function", "") for f in frames]
    sources = [f.get("functionSource", "") for f in frames if f.get("functionSource")]
    ok = (all(any(inner in n for n in names) for inner in INNER) and len(sources) == 2 and
          all(s.startswith(source_prefix) for s in sources))
    return ok, frames


def module_errors(out):
    account = as_json(out).get("deferredSymbolization", {})
    return [e for m in account.get("modules", []) for e in m.get("errors", [])]


class Silent(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class HtmlPage(http.server.BaseHTTPRequestHandler):
    """200 with an error page and no Content-Length, as some proxies answer."""
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>Sign in</body></html>")

    def log_message(self, *args):
        pass


class NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def serve(handler, directory=None):
    factory = (lambda *a, **k: handler(*a, directory=directory, **k)) if directory else handler
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), factory)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def hanging_server():
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return
    threading.Thread(target=accept, daemon=True).start()
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}"


def start_debuginfod(build_id):
    debuginfod = shutil.which("debuginfod")
    if not check(debuginfod is not None, "debuginfod is installed (setup.sh: the debuginfod package)"):
        finish()
    served = os.path.join(WORK, "debuginfod-root")
    os.makedirs(served)
    shutil.copy(DEBUG_FILE, served)
    port = free_port()
    proc = subprocess.Popen([debuginfod, "-F", served, "-p", str(port), "-d",
                             os.path.join(WORK, "debuginfod.sqlite"), "-t", "0", "-g", "0"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(WORK, "debuginfod.log"), "w"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/buildid/{build_id}/debuginfo", timeout=5) as answer:
                if answer.status == 200:
                    return proc, url
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            pass
        time.sleep(0.25)
    proc.kill()
    check(False, "debuginfod indexed the debug file within 90 s",
          open(os.path.join(WORK, "debuginfod.log")).read()[-2000:])
    finish()


def main():
    report = snapshot()
    with open(report, "rb") as f:
        original = hashlib.sha256(f.read()).hexdigest()
    report_json = as_json(report)
    frames = library_frames(report_json)
    unnamed = [f for f in frames if not f.get("function")]
    check(len(unnamed) == 2, "the snapshot has the library's two inner frames unnamed",
          json.dumps(frames, indent=1))
    build_id = next(m["buildId"] for m in report_json["modules"]
                    if os.path.basename(m.get("path", "")) == "libfleet.so")

    debuginfod, good_url = start_debuginfod(build_id)
    not_found, not_found_url = serve(NotFound)
    hang, hang_url = hanging_server()
    try:
        # A real debuginfod server.
        out = os.path.join(WORK, "debuginfod.pb")
        code, text, _ = symbolize(report, out, ["--timeout", "10"], {"DEBUGINFOD_URLS": good_url})
        check(code == 0, "debuginfod: exit 0", text)
        ok, frames = named_from(out, f"debuginfod {good_url}/buildid/{build_id}/debuginfo")
        check(ok, "debuginfod: the inner frames are named and say where from", json.dumps(frames, indent=1))
        check("2 of 2 unnamed native frames named" in text, "debuginfod: the summary counts them", text)
        with open(report, "rb") as f:
            check(hashlib.sha256(f.read()).hexdigest() == original, "the original report is unchanged")

        # The default output name; the original refused as output.
        code, text, _ = symbolize(report, None, [], {"DEBUGINFOD_URLS": good_url})
        default_out = report[:-3] + ".symbolized.pb"
        check(code == 0 and os.path.exists(default_out), "default output REPORT.symbolized.pb", text)
        code, text, _ = symbolize(report, report, [], {"DEBUGINFOD_URLS": good_url})
        check(code == 2 and "never changed in place" in text, "-o REPORT itself is refused", text)

        # A server that answers 404.
        out = os.path.join(WORK, "404.pb")
        code, text, _ = symbolize(report, out, ["--ssqp", not_found_url],
                                  {"DEBUGINFOD_URLS": not_found_url})
        check(code == 4, "404: written, exit 4 (nothing named)", text)
        check(len([f for f in library_frames(as_json(out)) if not f.get("function")]) == 2,
              "404: the frames stay unnamed")
        errors = module_errors(out)
        check(any(e.startswith("debuginfod ") and "No such file" in e for e in errors) and
              any(e.startswith("ssqp ") and "HTTP 404" in e for e in errors),
              "404: both sources say not found", errors)

        # A server that accepts and never answers: the timeout holds.
        out = os.path.join(WORK, "hang.pb")
        code, text, elapsed = symbolize(report, out, ["--timeout", "2", "--ssqp", hang_url],
                                        {"DEBUGINFOD_URLS": hang_url})
        check(code == 4, "hang: written, exit 4", text)
        check(elapsed < 45, f"hang: the run ended in {elapsed:.1f} s (2 s timeouts)")
        errors = module_errors(out)
        check(any(e.startswith("debuginfod ") and "Timer expired" in e for e in errors) and
              any(e.startswith("ssqp ") and "no answer within 2s" in e for e in errors),
              "hang: both sources timed out", errors)

        # A hanging server beside a good one: libdebuginfod asks both; the good one names.
        out = os.path.join(WORK, "hang-and-good.pb")
        code, text, elapsed = symbolize(report, out, ["--timeout", "2"],
                                        {"DEBUGINFOD_URLS": f"{hang_url} {good_url}"})
        check(code == 0 and named_from(out, "debuginfod ")[0] and elapsed < 45,
              f"hang beside a good server: named in {elapsed:.1f} s", text)

        # A corrupt debug file and a build id mismatch in DDCRASH_DEBUG_PATH, then debuginfod.
        relative = os.path.join(".build-id", build_id[:2], build_id[2:] + ".debug")
        corrupt_root = os.path.join(WORK, "corrupt-debug")
        os.makedirs(os.path.dirname(os.path.join(corrupt_root, relative)))
        with open(DEBUG_FILE, "rb") as f:
            head = f.read(300)
        with open(os.path.join(corrupt_root, relative), "wb") as f:
            f.write(head)  # an ELF header whose tables lie past the end
        mismatch_root = os.path.join(WORK, "mismatch-debug")
        os.makedirs(os.path.dirname(os.path.join(mismatch_root, relative)))
        shutil.copy(FIXTURE, os.path.join(mismatch_root, relative))  # an ELF file, another build id
        out = os.path.join(WORK, "local-bad.pb")
        code, text, _ = symbolize(report, out, [],
                                  {"DDCRASH_DEBUG_PATH": f"{corrupt_root}:{mismatch_root}"})
        check(code == 4, "corrupt and mismatched debug files: written, exit 4", text)
        errors = module_errors(out)
        check(any(corrupt_root in e and "not a usable ELF file" in e for e in errors),
              "the corrupt debug file is refused", errors)
        check(any(mismatch_root in e and "build id mismatch" in e for e in errors),
              "the debug file with another build id is refused", errors)
        out = os.path.join(WORK, "local-bad-then-debuginfod.pb")
        code, text, _ = symbolize(report, out, [],
                                  {"DDCRASH_DEBUG_PATH": f"{corrupt_root}:{mismatch_root}",
                                   "DEBUGINFOD_URLS": good_url})
        check(code == 0 and named_from(out, "debuginfod ")[0],
              "after the bad local files, debuginfod names the frames", text)

        # The build-id layout in DDCRASH_DEBUG_PATH.
        good_root = os.path.join(WORK, "good-debug")
        os.makedirs(os.path.dirname(os.path.join(good_root, relative)))
        shutil.copy(DEBUG_FILE, os.path.join(good_root, relative))
        out = os.path.join(WORK, "local.pb")
        code, text, _ = symbolize(report, out, [], {"DDCRASH_DEBUG_PATH": good_root})
        check(code == 0 and named_from(out, f"directory {good_root}/.build-id/")[0],
              "DDCRASH_DEBUG_PATH build-id layout names the frames", text)

        # SSQP: a directory, then the same tree over HTTP (downloaded into the cache).
        ssqp_root = os.path.join(WORK, "ssqp")
        key = f"libfleet.so.dbg/elf-buildid-sym-{build_id}/libfleet.so.dbg"
        os.makedirs(os.path.dirname(os.path.join(ssqp_root, key)))
        shutil.copy(DEBUG_FILE, os.path.join(ssqp_root, key))
        out = os.path.join(WORK, "ssqp-dir.pb")
        code, text, _ = symbolize(report, out, ["--ssqp", ssqp_root])
        check(code == 0 and named_from(out, f"ssqp {ssqp_root}/{key}")[0],
              "SSQP directory names the frames", text)
        ssqp_server, ssqp_url = serve(Silent, ssqp_root)
        try:
            out = os.path.join(WORK, "ssqp-http.pb")
            code, text, _ = symbolize(report, out, [], {"DDCRASH_SSQP": f"{ssqp_url}/"})
            check(code == 0 and named_from(out, f"ssqp {ssqp_url}/{key}")[0],
                  "SSQP server over http names the frames", text)
            cached = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(WORK, "cache-ssqp-http.pb"))
                      for f in fs]
            check(len(cached) == 1 and cached[0].endswith(key), "the download is in the cache", cached)
        finally:
            ssqp_server.shutdown()
            ssqp_server.server_close()
        # A second run with the server gone reads the debug file from the cache.
        out = os.path.join(WORK, "ssqp-http-again.pb")
        code, text, _ = symbolize(report, out, [], {"DDCRASH_SSQP": f"{ssqp_url}/"},
                                  cache=os.path.join(WORK, "cache-ssqp-http.pb"))
        check(code == 0 and named_from(out, f"ssqp {ssqp_url}/{key}")[0],
              "a second run names the frames from the cache, the server gone", text)

        # A 200 that is not the debug file (an HTML page, closed early) is not kept in the cache.
        html_server, html_url = serve(HtmlPage)
        try:
            html_cache = os.path.join(WORK, "cache-html")
            out = os.path.join(WORK, "html.pb")
            code, text, _ = symbolize(report, out, ["--ssqp", html_url], cache=html_cache)
            check(code == 4 and any("not an ELF file" in e for e in module_errors(out)),
                  "an HTML page served as the debug file is refused", text)
            kept = [f for _, _, fs in os.walk(html_cache) for f in fs]
            check(kept == [], "nothing of it is left in the cache", kept)
        finally:
            html_server.shutdown()
    finally:
        debuginfod.terminate()
        debuginfod.wait()
        not_found.shutdown()
        hang.close()
    finish()


main()
