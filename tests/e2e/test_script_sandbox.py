"""A builder's script step runs in a sandbox (docs/shapes.md, "What a script can reach"): run by
`skein serve`, it cannot read the data directory's credential key or database, nor the server's
environment through /proc. With SKEIN_SCRIPT_SANDBOX=off the same flow does read them (the
control), and `skein serve` says so at start; with a sandbox that cannot run, scripts are refused."""
import json
import uuid
from pathlib import Path

import pytest

from conftest import wait_for

PROBE_FLOW = """
id: probe
shapes:
  - id: look
    script:
      language: python
      output: document
      code: |
        import json, os
        data, secret = "DATA_DIR", "SECRET".encode()
        def attempt(action):
            try:
                return action()
            except Exception as error:
                return type(error).__name__
        def read(path):
            try:
                with open(path, "rb") as f:
                    return f.read()
            except Exception:
                return b""
        places = ["/proc/%s/%s" % (pid, part) for pid in os.listdir("/proc") if pid.isdigit() for part in ("environ", "cmdline")]
        print(json.dumps({
            "key": attempt(lambda: open(data + "/credentials.key", "rb").read().hex()),
            "database": attempt(lambda: open(data + "/skein.sqlite", "rb").read(16).decode(errors="replace")),
            "write": attempt(lambda: open(data + "/planted", "w").write("x")),
            "secret_at": [place for place in places if secret in read(place)] + [n for n in os.environ if secret in os.environ[n].encode()],
        }))
"""


def run_probe_in_serve(skein, tmp_path, monkeypatch, sandbox=None):
    """Deploys the probe, starts `skein serve` with a secret in its environment, queues one run
    and returns (the finished run, the probe's report or None, the secret, the serve log)."""
    secret = "serve-secret-" + uuid.uuid4().hex
    monkeypatch.setenv("SKEIN_E2E_SERVE_SECRET", secret)
    if sandbox is not None:
        monkeypatch.setenv("SKEIN_SCRIPT_SANDBOX", sandbox)
    flow = tmp_path / "probe.yaml"
    flow.write_text(PROBE_FLOW.replace("DATA_DIR", str(Path(skein.data_dir).resolve())).replace("SECRET", secret))
    skein.run("flow", "deploy", str(flow))
    payload = tmp_path / "order.json"
    payload.write_text(json.dumps({"order_number": 1}))
    run_id = skein.json("run", "probe", "--payload", str(payload), "--queue")["run"]
    server = skein.serve()
    try:
        def finished():
            run = skein.json("runs", "show", str(run_id))
            return run if run["status"] not in ("queued", "started") else None
        run = wait_for(finished, timeout=120, what="the probe run")
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = json.loads(skein.run("payload", "show", str(run_id), "look", "--index", "0").stdout) if run["status"] == "success" else None
    log = "".join(path.read_text() for path in Path(skein.data_dir).glob("serve-*.log"))
    return run, report, secret, log


def test_a_flow_script_cannot_read_the_credential_key_database_or_environment_of_skein(skein, tmp_path, monkeypatch):
    run, report, secret, log = run_probe_in_serve(skein, tmp_path, monkeypatch)
    key_file = Path(skein.data_dir) / "credentials.key"
    assert key_file.exists() and (key_file.stat().st_mode & 0o777) == 0o600
    assert run["status"] == "success", run
    assert report["key"] in ("FileNotFoundError", "PermissionError"), report
    assert report["database"] in ("FileNotFoundError", "PermissionError"), report
    assert report["write"] in ("FileNotFoundError", "PermissionError", "OSError"), report
    assert report["secret_at"] == [], report
    assert key_file.read_bytes().hex() not in json.dumps(report)
    assert not (Path(skein.data_dir) / "planted").exists()
    assert "script steps" not in log  # no sandbox warning: it works


def test_with_the_sandbox_off_the_same_script_reads_them_and_serve_warns(skein, tmp_path, monkeypatch):
    run, report, secret, log = run_probe_in_serve(skein, tmp_path, monkeypatch, sandbox="off")
    assert run["status"] == "success", run
    assert report["key"] == (Path(skein.data_dir) / "credentials.key").read_bytes().hex()
    assert report["database"].startswith("SQLite format 3")
    assert any(place.endswith("/environ") for place in report["secret_at"]), report
    assert "script steps run WITHOUT a sandbox (SKEIN_SCRIPT_SANDBOX=off)" in log


def test_without_a_working_sandbox_script_steps_are_refused_and_serve_warns(skein, tmp_path, monkeypatch):
    run, report, secret, log = run_probe_in_serve(skein, tmp_path, monkeypatch, sandbox="/nonexistent/bwrap")
    assert run["status"] == "failure"
    error = run["steps"][0]["error"]
    assert "scripts run in a sandbox, and SKEIN_SCRIPT_SANDBOX names /nonexistent/bwrap, which is not an executable file" in error
    assert "SKEIN_SCRIPT_SANDBOX=off" in error
    assert "script steps will be refused until this is fixed" in log
    assert not (Path(skein.data_dir) / "planted").exists()


def test_a_meaningless_sandbox_setting_stops_skein_with_a_clear_error(skein, tmp_path, monkeypatch):
    config = tmp_path / "skein.yaml"
    config.write_text("script_sandbox: maybe\n")
    from_file = skein.run("flow", "list", "--config", str(config), check=False)
    monkeypatch.setenv("SKEIN_SCRIPT_SANDBOX", "perhaps")
    from_variable = skein.run("flow", "list", check=False)
    expected = "must be bwrap (the default), off or the absolute path of bwrap"
    for result, quoted in ((from_file, f"script_sandbox: maybe ({config} line 1)"), (from_variable, "SKEIN_SCRIPT_SANDBOX=perhaps (environment)")):
        assert result.returncode != 0
        assert f"{quoted}: {expected}" in result.stderr
