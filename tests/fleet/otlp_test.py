"""OTLP export checked by the OpenTelemetry project's own code (verify_otlp.js): the records of
`ddquery --otlp` for reports of every shape, and the spool file `ddreport` writes with
DDCRASH_OTLP_DIR for a real snapshot; every line is one LogsData that the project's protobuf
types take and give back unchanged, with semantic-convention attribute names, bounded in size.

argv: ddreport ddquery symbolize_fixture stripped/libfleet.so write_sample_reports verify_otlp.js
"""

import glob
import json
import os
import stat
import subprocess
import sys
import tempfile

DDREPORT, DDQUERY, FIXTURE, LIBRARY, WRITE_SAMPLES, VERIFY = (os.path.abspath(p) for p in sys.argv[1:7])
WORK = tempfile.mkdtemp(prefix="otlp.", dir=os.environ.get("TEST_TMPDIR", "/tmp"))
NODE_MODULES = os.path.join(os.environ.get("DDCRASH_TEST_NODE_DIR", "/opt/ddcrash-test-node"),
                            "node_modules")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "native"))
import e2e_lib  # noqa: E402

CHECKS = e2e_lib.Checks("otlp_test")
check = CHECKS.check
finish = CHECKS.finish


def verify(files):
    done = subprocess.run(["node", VERIFY, NODE_MODULES] + files, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=120)
    return done.returncode, done.stdout.decode()


def attributes(entries):
    return {e["key"]: next(iter(e["value"].values())) for e in entries}


def snapshot(env_extra, report):
    proc = subprocess.Popen([FIXTURE, LIBRARY], stdout=subprocess.PIPE)
    try:
        line = proc.stdout.readline().decode().strip()
        check(line == f"READY {proc.pid}", "fixture ready", line)
        done = subprocess.run([DDREPORT, "--pid", str(proc.pid), "-o", report], stderr=subprocess.PIPE,
                              env=dict(os.environ, **env_extra), timeout=60)
        return proc.pid, done.returncode, done.stderr.decode()
    finally:
        proc.kill()
        proc.wait()


def main():
    if not check(os.path.isfile(os.path.join(NODE_MODULES, "@opentelemetry/otlp-transformer/package.json")),
                 f"the OpenTelemetry npm packages are in {NODE_MODULES} (run setup.sh)"):
        finish()

    # ddquery --otlp over reports of every shape.
    samples = os.path.join(WORK, "samples")
    os.makedirs(samples)
    subprocess.run([WRITE_SAMPLES, samples], check=True, timeout=60)
    reports = sorted(glob.glob(os.path.join(samples, "*.pb")))
    out = os.path.join(WORK, "ddquery.jsonl")
    with open(out, "wb") as f:
        done = subprocess.run([DDQUERY, "--otlp"] + reports, stdout=f, stderr=subprocess.PIPE, timeout=60)
    check(done.returncode == 0, "ddquery --otlp: exit 0", done.stderr.decode())
    with open(out) as f:
        lines = f.read().split("\n")
    check(lines[-1] == "" and len(lines) == len(reports) + 1, "one line per report", len(lines))
    records = {}
    for line in lines[:-1]:
        check(len(line.encode()) < 64 * 1024, f"record of {len(line.encode())} bytes is bounded")
        data = json.loads(line)
        record = data["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]
        attrs = attributes(record["attributes"])
        records[os.path.basename(attrs["ddcrash.report.path"])] = (
            attributes(data["resourceLogs"][0]["resource"]["attributes"]), attrs, record)
    resource, attrs, record = records["dotnet.pb"]
    check(resource.get("service.name") == "checkout" and resource.get("process.runtime.name") == ".NET"
          and resource.get("process.runtime.version") == "8.0.11" and resource.get("process.pid") == "4242",
          ".NET crash: resource attributes", resource)
    check(attrs.get("exception.type") == "System.InvalidOperationException" and
          record.get("severityText") == "FATAL", ".NET crash: exception.type, FATAL", attrs)
    resource, attrs, _ = records["native.pb"]
    check(attrs.get("exception.type") == "SIGSEGV" and attrs.get("ddcrash.signal.number") == "11"
          and "process.runtime.name" not in resource, "native crash: the signal as the exception", attrs)
    _, attrs, _ = records["hostile.pb"]
    check("more frames in the full report" in attrs.get("exception.stacktrace", ""),
          "a deep stack is cut with a marker")
    check(attrs.get("exception.type", "").startswith('Evil"quoted" \\ back\x1b[31m tab\t nl\n café ✓'),
          "hostile text survives intact through JSON", attrs.get("exception.type"))

    done = subprocess.run([DDQUERY, "--otlp", reports[0], os.path.join(samples, "missing.pb")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(done.returncode == 3 and done.stdout.count(b"\n") == 1 and b"missing.pb" in done.stderr,
          "an unreadable report: exit 3, the others still printed", done.stderr.decode())

    # DDCRASH_OTLP_DIR: ddreport spools one complete file per report.
    spool = os.path.join(WORK, "spool", "otlp")
    report = os.path.join(WORK, "snapshot.pb")
    pid, code, err = snapshot({"DDCRASH_OTLP_DIR": spool}, report)
    check(code == 0, "ddreport with DDCRASH_OTLP_DIR: exit 0", err)
    spooled = os.listdir(spool) if os.path.isdir(spool) else []
    check(len(spooled) == 1 and spooled[0].startswith(f"ddcrash.symbolize_fixture.{pid}.")
          and spooled[0].endswith(".json"), "one spool file named like the report, no temporary left",
          spooled)
    check(stat.S_IMODE(os.stat(spool).st_mode) == 0o700, "the spool directory is private")
    spool_file = os.path.join(spool, spooled[0]) if spooled else ""
    if spool_file:
        with open(spool_file) as f:
            data = json.loads(f.read())
        attrs = attributes(data["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"])
        check(attrs.get("ddcrash.report.path") == report, "the spooled record names the report", attrs)

    # A planted link as the spool: refused, the report still written.
    planted = os.path.join(WORK, "planted")
    os.symlink(os.path.join(WORK, "samples"), planted)
    report2 = os.path.join(WORK, "snapshot2.pb")
    _, code, err = snapshot({"DDCRASH_OTLP_DIR": planted}, report2)
    check(code == 0 and os.path.exists(report2) and "cannot write the OTLP record" in err,
          "a symlinked spool is refused and costs only the OTLP file", err)

    # The OpenTelemetry project's own types accept every record.
    code, text = verify([out] + ([spool_file] if spool_file else []))
    check(code == 0 and f"verified {len(reports) + 1} records" in text,
          "every record is accepted by @opentelemetry/otlp-transformer's LogsData and "
          "ExportLogsServiceRequest, attribute names per @opentelemetry/semantic-conventions", text)

    # And it does reject what is not OTLP (the check can fail).
    bad = os.path.join(WORK, "bad.jsonl")
    with open(bad, "w") as f:
        f.write(lines[0].replace('"intValue"', '"integerValue"', 1) + "\n")
    code, text = verify([bad])
    check(code != 0 and "not exactly what LogsData holds" in text, "a misspelled field is caught", text)
    with open(bad, "w") as f:
        f.write(lines[0].replace('"service.name"', '"service_name"', 1) + "\n")
    code, text = verify([bad])
    check(code != 0 and "service_name" in text, "a non-convention attribute name is caught", text)
    finish()


main()
