"""Running Skein in production, end to end (docs/operations.md): the liveness and readiness
endpoints of a real `skein serve`, and its log as one JSON object per line with the flow, run
and step ids of a run that failed."""
import json
import urllib.error
import urllib.request
from pathlib import Path

from conftest import wait_for

TOKEN = "ops-token-5b1e7c9d2a4f8e63"

FAILING_FLOW = f"""
id: orders-out
trigger: {{ webhook: {{ token: {TOKEN} }} }}
shapes:
  - id: each
    split: {{ path: orders }}
  - id: to-erp
    http: {{ instance: erp, direction: send, method: POST, path: /orders, body: json }}
"""


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_health_and_readiness_answer_without_signing_in(skein):
    process, base = skein.serve_api()
    try:
        assert get(base + "/health") == (200, {"status": "ok"})
        assert get(base + "/health/ready") == (200, {"status": "ready", "store": "reachable", "migrations": "current"})
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_json_log_lines_carry_the_flow_run_and_step_of_a_failed_run(skein, tmp_path):
    skein.add_user("ops", role="admin")  # a user exists, so serve prints no first-admin banner: the log is all JSON
    skein.run("instance", "add", "erp", "--type", "http", "--address", "http://127.0.0.1:9", "--timeout", "5s")
    (tmp_path / "flow.yaml").write_text(FAILING_FLOW)
    skein.run("flow", "deploy", str(tmp_path / "flow.yaml"))
    process = skein.serve("--log-format", "json", "--log-level", "info")
    try:
        base = f"http://127.0.0.1:{skein.listening_port(process)}"
        request = urllib.request.Request(f"{base}/webhooks/orders-out/{TOKEN}", data=json.dumps({"orders": [{"n": 1}]}).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            run_id = json.loads(response.read())["run"]
        wait_for(lambda: "run failed" in Path(process.log_path).read_text(), what="the failed run to be logged")
    finally:
        process.terminate()
        process.wait(timeout=30)
    entries = [json.loads(line) for line in Path(process.log_path).read_text().splitlines()]  # every line parses
    assert {"skein serve started", "listening on " + base} <= {entry["message"] for entry in entries}
    for entry in entries:
        assert {"timestamp", "level", "label", "message"} <= entry.keys(), entry
        assert entry["timestamp"].endswith("Z") and entry["level"] in ("trace", "debug", "info", "notice", "warning", "error", "critical")
    failed = next(entry for entry in entries if entry["message"] == "run failed")
    assert failed["level"] == "notice" and failed["label"] == "skein"
    assert {key: failed["metadata"][key] for key in ("flow.id", "run.id", "step.id")} == \
        {"flow.id": "orders-out", "run.id": str(run_id), "step.id": "to-erp"}
    assert "127.0.0.1:9" in failed["metadata"]["error"]


def test_an_unknown_log_format_is_refused(skein):
    result = skein.run("serve", "--port", "0", "--log-format", "xml", check=False)
    assert result.returncode == 1 and "--log-format xml (flag): must be text or json" in result.stderr
