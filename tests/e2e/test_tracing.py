"""OpenTelemetry traces end to end: `skein serve` exports spans over OTLP/HTTP (protobuf) to a
small receiver on 127.0.0.1 configured only by OTEL_* variables; a webhook run's spans arrive
with their parent links, the destination gets a W3C traceparent naming the HTTP call's span, and
the run's trace id is shown by `skein runs show`, the API and the run page."""
import json
import os
import signal
import sqlite3
import subprocess
import urllib.request

import pytest

from conftest import wait_for
from telemetry_support import Destination, Metrics, OTLPReceiver, scrape
from test_metrics import free_port
from test_sftp_flow import sshd  # noqa: F401  (the real sshd fixture)

TOKEN = "trace-wh-0c9e1b77d2"
FLOW = f"""
id: traced
trigger: {{ webhook: {{ token: {TOKEN} }} }}
shapes:
  - id: each-order
    split: {{ path: orders }}
  - id: to-dest
    http:
      instance: dest
      direction: send
      method: POST
      path: /orders
      body: json
  - id: paid-only
    filter:
      where: [ {{ field: ref, exists: true }} ]
"""


@pytest.fixture
def receiver():
    peer = OTLPReceiver()
    yield peer
    peer.close()


@pytest.fixture
def destination():
    system = Destination()
    yield system
    system.close()


def test_a_run_exports_its_spans_and_passes_its_trace_to_the_destination(skein, tmp_path, receiver, destination, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
    monkeypatch.setenv("OTEL_SERVICE_NAME", "skein-e2e")
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "100")
    monkeypatch.setenv("SKEIN_TRACE_URL", "http://jaeger.example:16686/trace/{trace_id}")
    skein.run("instance", "add", "dest", "--type", "http", "--address", destination.address)
    flow = tmp_path / "traced.yaml"
    flow.write_text(FLOW)
    skein.run("flow", "deploy", str(flow))
    skein.add_user("ops", role="viewer")
    token = skein.create_token("ops")
    process, base = skein.serve_api()
    try:
        request = urllib.request.Request(f"{base}/webhooks/traced/{TOKEN}", method="POST", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"orders": [{"ref": "A"}, {"ref": "B"}]}).encode())
        with urllib.request.urlopen(request, timeout=30) as response:
            run_id = json.loads(response.read())["run"]
        shown = wait_for(lambda: (lambda r: r if r["status"] == "success" else None)(skein.json("runs", "show", str(run_id))),
                         timeout=60, what="the run to finish")
        steps = {step["shape"]: step for step in shown["steps"]}
        assert set(steps) == {"each-order", "to-dest", "paid-only"}
        run_spans = wait_for(lambda: receiver.named("run traced"), timeout=30, what="the run span")
        wait_for(lambda: len(receiver.named("HTTP POST")) == 2 and all(receiver.named(f"step {s}") for s in steps),
                 timeout=30, what="the step and HTTP spans")

        assert len(run_spans) == 1, run_spans
        run_span = run_spans[0]
        trace_id = run_span["trace_id"]
        assert run_span["parent_span_id"] == "", "a webhook run starts its own trace"
        assert run_span["attributes"]["skein.run.id"] == run_id
        assert run_span["attributes"]["skein.flow.id"] == "traced"
        assert run_span["attributes"]["skein.run.status"] == "success"
        assert run_span["resource"]["service.name"] == "skein-e2e"

        # One span per step, each a child of the run span, in the run's trace.
        for shape, step in steps.items():
            spans = receiver.named(f"step {shape}")
            assert len(spans) == 1, spans
            assert spans[0]["trace_id"] == trace_id
            assert spans[0]["parent_span_id"] == run_span["span_id"]
            assert spans[0]["attributes"]["skein.step.sequence"] == step["sequence"]
            assert spans[0]["attributes"]["skein.shape.type"] == step["type"]
            assert spans[0]["attributes"]["skein.step.status"] == "success"
        send_step = receiver.named("step to-dest")[0]

        # One client span per request, a child of the send step; the destination got its traceparent.
        http_spans = receiver.named("HTTP POST")
        assert {s["parent_span_id"] for s in http_spans} == {send_step["span_id"]}
        assert all(s["trace_id"] == trace_id for s in http_spans)
        assert all(s["attributes"]["skein.instance"] == "dest" and s["attributes"]["http.response.status_code"] == 201 for s in http_spans)
        assert all(s["attributes"]["server.address"] == "127.0.0.1" for s in http_spans)
        assert not any("url.full" in s["attributes"] or "url.query" in s["attributes"] for s in http_spans)
        received = [r["headers"]["traceparent"] for r in destination.received]
        assert sorted(received) == sorted(f"00-{trace_id}-{s['span_id']}-01" for s in http_spans)

        # The run names its trace: CLI JSON and text, API, run page.
        assert shown["trace_id"] == trace_id
        assert f"trace: {trace_id}" in skein.run("runs", "show", str(run_id)).stdout
        api = urllib.request.Request(f"{base}/api/v1/runs/{run_id}", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(api, timeout=30) as response:
            assert json.loads(response.read())["trace_id"] == trace_id
        page = urllib.request.Request(f"{base}/runs/{run_id}", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(page, timeout=30) as response:
            link = f'<a href="http://jaeger.example:16686/trace/{trace_id}"><code class="mono">{trace_id}</code></a>'
            assert f'<dd id="trace-id">{link}</dd>' in response.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_run_resumed_after_kill_9_continues_its_trace(skein, tmp_path, receiver, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "100")
    destination = Destination(hold_first=True)
    try:
        skein.run("instance", "add", "dest", "--type", "http", "--address", destination.address)
        flow = tmp_path / "traced.yaml"
        flow.write_text(FLOW)
        skein.run("flow", "deploy", str(flow), "--disabled")
        payload = tmp_path / "orders.json"
        payload.write_text(json.dumps({"orders": [{"ref": "A"}]}))
        run_id = str(skein.json("run", "traced", "--queue", "--payload", str(payload))["run"])
        server = skein.serve("--lease", "2")
        assert destination.arrived.wait(60), "the send step never reached the destination"
        first = skein.json("runs", "show", run_id)
        assert first["status"] == "started" and first["trace_id"]
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        destination.release()
        restarted = skein.serve("--lease", "2")
        try:
            run = wait_for(lambda: (lambda r: r if r["status"] == "success" else None)(skein.json("runs", "show", run_id)),
                           timeout=90, what="the resumed run to finish")
            resumed = wait_for(lambda: [s for s in receiver.named("run traced") if s["attributes"]["skein.run.pickup"] == 2],
                               timeout=30, what="the resumed run's span")
        finally:
            restarted.terminate()
            restarted.wait(timeout=30)
        assert run["pickups"] == 2 and run["trace_id"] == first["trace_id"]
        assert len(resumed) == 1 and resumed[0]["trace_id"] == first["trace_id"]
        # Its parent is the first pick-up's run span, whose context the run stored.
        assert resumed[0]["parent_span_id"] != ""
        last = destination.received[-1]["headers"]["traceparent"]
        assert last.split("-")[1] == first["trace_id"]
    finally:
        destination.close()


def test_database_and_sftp_calls_are_spans_of_their_steps_and_counted(skein, tmp_path, receiver, sshd, monkeypatch):  # noqa: F811
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "100")
    monkeypatch.setenv("E2E_SFTP_KEY", sshd["private_key"])
    database = tmp_path / "orders.sqlite"
    db = sqlite3.connect(database)
    db.executescript("CREATE TABLE orders (id INTEGER PRIMARY KEY, ref TEXT); INSERT INTO orders VALUES (1, 'A'), (2, 'B');")
    db.commit()
    db.close()
    skein.run("instance", "add", "orders-db", "--type", "database", "--address", f"sqlite://{database}")
    skein.run("instance", "add", "warehouse", "--type", "sftp", "--address", f"127.0.0.1:{sshd['port']}",
              "--setting", "username=root", "--setting", f"host_key={sshd['host_key']}",
              "--credential-env", "private_key=E2E_SFTP_KEY", "--timeout", "20s")
    inbound = sshd["files"] / "inbound"
    flow = tmp_path / "db-to-files.yaml"
    flow.write_text(f"""
id: db-to-files
trigger: {{ webhook: {{ token: {TOKEN} }} }}
shapes:
  - id: read-orders
    database: {{ instance: orders-db, query: "SELECT id, ref FROM orders ORDER BY id" }}
  - id: each-order
    split: {{}}
  - id: write-files
    sftp: {{ instance: warehouse, direction: send, path: {inbound}, filename: "order-{{{{index}}}}.json" }}
""")
    skein.run("flow", "deploy", str(flow))
    metrics_port = free_port()
    process, base = skein.serve_api("--metrics-port", str(metrics_port))
    try:
        request = urllib.request.Request(f"{base}/webhooks/db-to-files/{TOKEN}", method="POST", data=b"{}",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            run_id = json.loads(response.read())["run"]
        wait_for(lambda: skein.json("runs", "show", str(run_id))["status"] == "success", timeout=60, what="the run to finish")
        wait_for(lambda: receiver.named("db query") and len(receiver.named("sftp write")) == 2 and receiver.named("run db-to-files"),
                 timeout=30, what="the database and SFTP spans")
        run_span = receiver.named("run db-to-files")[0]
        read_step = receiver.named("step read-orders")[0]
        write_step = receiver.named("step write-files")[0]
        assert read_step["parent_span_id"] == write_step["parent_span_id"] == run_span["span_id"]
        query = receiver.named("db query")[0]
        assert query["parent_span_id"] == read_step["span_id"] and query["trace_id"] == run_span["trace_id"]
        assert query["attributes"]["db.system.name"] == "sqlite"
        assert query["attributes"]["db.query.text"] == "SELECT id, ref FROM orders ORDER BY id"
        writes = receiver.named("sftp write")
        assert {w["parent_span_id"] for w in writes} == {write_step["span_id"]}
        assert all(w["attributes"]["skein.instance"] == "warehouse" for w in writes)
        assert sorted(os.listdir(inbound)) == ["order-1.json", "order-2.json"]

        metrics = Metrics(scrape(f"http://127.0.0.1:{metrics_port}/metrics")[1])
        assert metrics.value("skein_connector_calls_total", connector="database", instance_name="orders-db", outcome="success") == 1
        assert metrics.value("skein_connector_calls_total", connector="sftp", instance_name="warehouse", outcome="success") == 2
        assert metrics.value("skein_step_duration_seconds_count", shape_type="database", status="success") == 1
        assert metrics.value("skein_step_duration_seconds_count", shape_type="sftp", status="success") == 1
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_spans_still_batched_are_exported_when_serve_stops(skein, tmp_path, receiver, destination, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "600000")  # ten minutes: nothing leaves before shutdown
    skein.run("instance", "add", "dest", "--type", "http", "--address", destination.address)
    flow = tmp_path / "traced.yaml"
    flow.write_text(FLOW)
    skein.run("flow", "deploy", str(flow))
    process, base = skein.serve_api()
    try:
        request = urllib.request.Request(f"{base}/webhooks/traced/{TOKEN}", method="POST", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"orders": [{"ref": "A"}]}).encode())
        with urllib.request.urlopen(request, timeout=30) as response:
            run_id = json.loads(response.read())["run"]
        wait_for(lambda: skein.json("runs", "show", str(run_id))["status"] == "success", timeout=60, what="the run to finish")
        assert receiver.named("run traced") == []
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    assert len(receiver.named("run traced")) == 1
    assert len(receiver.named("HTTP POST")) == 1


def test_an_exporter_this_build_lacks_is_refused_at_start(skein, monkeypatch):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    result = subprocess.run([skein.binary, "serve", "--data-dir", skein.data_dir, "--port", "0"], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported" in result.stderr + result.stdout


def test_without_otel_settings_runs_have_no_trace(skein, tmp_path, destination):
    skein.run("instance", "add", "dest", "--type", "http", "--address", destination.address)
    flow = tmp_path / "traced.yaml"
    flow.write_text(FLOW.replace("trigger: { webhook: { token: " + TOKEN + " } }\n", ""))
    skein.run("flow", "deploy", str(flow))
    payload = tmp_path / "orders.json"
    payload.write_text(json.dumps({"orders": [{"ref": "A"}]}))
    skein.run("run", "traced", "--payload", str(payload))
    assert skein.json("runs", "show", "1")["trace_id"] is None
    assert "traceparent" not in destination.received[0]["headers"]
