#!/usr/bin/env python3
"""Secrets in a real process's environment and command line never reach the report bytes.

native_fixture `shapes` is started with secrets in its environment and extra arguments (the
fixture ignores arguments past its mode): secret-named variables and options, URLs with
passwords holding '@' and '/', connection strings, query parameters, JWTs, bearer and basic
credentials, `-p`/`--pass` options, token formats. `ddreport --pid` snapshots it; the .pb file's
bytes must hold none of the secrets (nor any 6-byte piece of one), must hold the ordinary
values around them unchanged, and ddquery must read the report.

  usage: secrets_test.py DDREPORT DDQUERY FIXTURE
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

# (environment entry or argument list, secret)
ENVIRONMENT = [
    ("DB_PASS=Qm7xv2LpE2e", "Qm7xv2LpE2e"),
    ("SMTP_PASS=Rt5ww8KdE2e", "Rt5ww8KdE2e"),
    ("DATABASE_URL=postgres://app:pa/ss7GqE2e@db:5432/app", "pa/ss7GqE2e"),
    ("MONGO_URL=mongodb://u:p@ss9WzE2e@h1:27017,h2/db", "p@ss9WzE2e"),
    ("APP_DB=Host=h;Username=u;Password=Lm4Ty8E2e;Port=5432", "Lm4Ty8E2e"),
    ("BLOB=https://a.blob.core.windows.net/c?sv=2022-11-02&sig=Hq3Jk5LmE2e%3D", "Hq3Jk5LmE2e"),
    ("HOOK=https://hooks.slack.com/services/T01E2E/B02E2E/Xy7Zq9WvE2e", "Xy7Zq9WvE2e"),
    ("OIDC=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJlMmUifQ.Sg7Hj9KlE2e", "eyJzdWIiOiJlMmUifQ.Sg7Hj9KlE2e"),
    ("AWS_ID=AKIAE2EGHJ4K5L6M7N8P", "AKIAE2EGHJ4K5L6M7N8P"),
]
ARGUMENTS = [
    (["--password", "Ar1HunterE2e"], "Ar1HunterE2e"),
    (["--pass", "Ar2PassE2e"], "Ar2PassE2e"),
    (["-p", "Ar3DashE2e"], "Ar3DashE2e"),
    (["-H", "Authorization: Bearer Ar4Tok.enE2e"], "Ar4Tok.enE2e"),
    (["Authorization: Basic QXI1ZTJldXNlcjpwdw=="], "QXI1ZTJldXNlcjpwdw"),
    (["mysql://root:Ar6My@sqlE2e@db/app"], "Ar6My@sqlE2e"),
    (["--conn", "Server=s;User Id=u;Password=\"Ar7 Conn;E2e\""], "Ar7 Conn;E2e"),
    (["https://api.x.io/v1?access_token=Ar8AccE2e&page=2"], "Ar8AccE2e"),
]
KEPT = [
    b"ASPNETCORE_URLS=http://+:8080",
    b"MYSQL_VERSION=8.0.31",
    b"http://localhost:5000",
    b"Server=s;User Id=u;Password=",
    b"&page=2",
]


def main():
    ddreport, ddquery, fixture_path = e2e_lib.tools()
    checks = e2e_lib.Checks("secrets_test")
    work = e2e_lib.work_dir("secrets")
    for entry, _ in ENVIRONMENT:
        name, value = entry.split("=", 1)
        os.environ[name] = value
    os.environ["ASPNETCORE_URLS"] = "http://+:8080"
    os.environ["MYSQL_VERSION"] = "8.0.31"
    argv = ["shapes", "http://localhost:5000", "-p", "5432"]
    for args, _ in ARGUMENTS:
        argv += args
    report = os.path.join(work, "secrets.pb")
    with e2e_lib.Fixture(fixture_path, argv) as fixture:
        rc, err, _ = e2e_lib.run_ddreport(ddreport, ["--pid", str(fixture.pid), "-o", report])
        checks.check(rc == 0, f"ddreport --pid: exit 0 (got {rc})", err)
    data = open(report, "rb").read() if os.path.exists(report) else b""
    checks.check(len(data) > 1000, f"a report of {len(data)} bytes")
    secrets = [secret for _, secret in ENVIRONMENT + ARGUMENTS]
    leaks = []
    for secret in secrets:
        raw = secret.encode()
        pieces = [raw[i:i + 6] for i in range(max(1, len(raw) - 5))]
        leaks += [f"{piece!r} of {secret!r}" for piece in pieces if piece in data]
    checks.check(not leaks, f"none of {len(secrets)} secrets, nor a 6-byte piece of one, in the "
                 f"report bytes", "\n".join(leaks[:20]))
    missing = [kept for kept in KEPT if kept not in data]
    checks.check(not missing, f"{len(KEPT)} ordinary values kept unchanged", missing)
    checks.check(data.count(b"[scrubbed]") >= len(secrets),
                 f"[scrubbed] markers: {data.count(b'[scrubbed]')} >= {len(secrets)}")
    cmdline = e2e_lib.query_json(ddquery, report)["process"]["cmdline"]
    checks.check(cmdline[3:5] == ["-p", "5432"], f"-p 5432 (a port) kept: {cmdline[1:5]}")
    done = subprocess.run([ddquery, report], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60)
    checks.check(done.returncode == 0, f"ddquery reads it (exit {done.returncode})",
                 done.stderr.decode(errors="replace"))
    checks.finish()


if __name__ == "__main__":
    main()
