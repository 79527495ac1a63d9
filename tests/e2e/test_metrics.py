"""Prometheus metrics end to end: `skein serve --metrics-port` on a free port, scraped with
urllib while a webhook run is held inside its send step and after both runs, a refused webhook
and a sync retry have finished. The values asserted are the counts this test caused."""
import json
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import wait_for
from telemetry_support import Destination, Metrics, scrape

TOKEN = "metrics-wh-4f1d9c2a7b"
FLOW = f"""
id: orders-in
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
      sync: {{ system: Dest, reference: ref, endpoint_id: id }}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post(url, body, content_type="application/json"):
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def runs(skein):
    return skein.json("runs", "list", "--flow", "orders-in")


@pytest.fixture
def destination():
    system = Destination(hold_first=True, fail={"B": 1})
    yield system
    system.close()


def test_metrics_count_runs_steps_queue_webhooks_sync_and_connector_calls(skein, tmp_path, destination, monkeypatch):
    monkeypatch.setenv("SKEIN_SYNC_BACKOFF", "200ms")
    skein.run("instance", "add", "dest", "--type", "http", "--address", destination.address)
    flow = tmp_path / "orders-in.yaml"
    flow.write_text(FLOW)
    skein.run("flow", "deploy", str(flow))
    metrics_port = free_port()
    process, base = skein.serve_api("--metrics-port", str(metrics_port), "--concurrency", "1")
    metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
    webhook = f"{base}/webhooks/orders-in/{TOKEN}"
    try:
        # Run 1 (orders A and B) is held by the destination inside its send step; run 2 (C) waits
        # in the queue behind it (one run at a time).
        assert post(webhook, json.dumps({"orders": [{"ref": "A"}, {"ref": "B"}]}).encode()) == 202
        assert destination.arrived.wait(30), "the first order never reached the destination"
        assert post(webhook, json.dumps({"orders": [{"ref": "C"}]}).encode()) == 202
        # Refusals: a wrong token, an address naming no flow, a body that is not JSON.
        assert post(f"{base}/webhooks/orders-in/wrong-token", b"{}") == 404
        assert post(f"{base}/webhooks/no-such-flow/{TOKEN}", b"{}") == 404
        assert post(webhook, b"{not json") == 400

        status, text = scrape(metrics_url)
        assert status == 200
        during = Metrics(text)
        assert during.value("skein_runs_started_total", flow="orders-in", trigger="webhook") == 1
        assert during.value("skein_runs_finished_total", flow="orders-in", status="success") is None
        assert during.value("skein_runs_in_progress") == 1
        assert during.value("skein_queue_depth", flow="orders-in") == 1
        assert during.value("skein_queue_oldest_age_seconds", flow="orders-in") >= 0
        assert during.value("skein_store_reachable") == 1
        assert during.value("skein_step_duration_seconds_count", shape_type="split", status="success") == 1
        assert during.value("skein_step_duration_seconds_count", shape_type="http", status="success") is None
        assert during.value("skein_webhooks_accepted_total", flow="orders-in") == 2
        assert during.value("skein_webhooks_refused_total", flow="orders-in", reason="not_found") == 1
        assert during.value("skein_webhooks_refused_total", flow="", reason="not_found") == 1
        assert during.value("skein_webhooks_refused_total", flow="orders-in", reason="invalid_body") == 1
        assert during.value("skein_connector_calls_total", connector="http", instance_name="dest", outcome="success") is None

        destination.release()
        wait_for(lambda: [r["status"] for r in runs(skein)] == ["success", "success"], timeout=60, what="both runs to finish")
        # B was answered 500 (Pending) and is retried by the sync retry service until accepted.
        wait_for(lambda: skein.json("sync", "list", "--all")["counts"]["ok"] == 3, timeout=60, what="the retry of B")
        after = wait_for(lambda: (lambda m: m if m.value("skein_sync_retries_total", flow="orders-in", trigger="automatic",
                                                          status="ok") == 1 else None)(Metrics(scrape(metrics_url)[1])),
                         timeout=30, what="the retry in the metrics")

        assert after.value("skein_runs_started_total", flow="orders-in", trigger="webhook") == 2
        assert after.value("skein_runs_finished_total", flow="orders-in", status="success") == 2
        assert after.value("skein_run_duration_seconds_count", flow="orders-in", status="success") == 2
        assert after.value("skein_run_queue_wait_seconds_count", flow="orders-in") == 2
        assert after.value("skein_runs_in_progress") == 0
        assert after.value("skein_queue_depth", flow="orders-in") == 0
        assert after.value("skein_step_duration_seconds_count", shape_type="split", status="success") == 2
        assert after.value("skein_step_duration_seconds_count", shape_type="http", status="success") == 2
        # A histogram's buckets are cumulative and end with +Inf, which equals the count.
        assert after.value("skein_step_duration_seconds_bucket", shape_type="http", status="success", le="+Inf") == 2
        assert after.value("skein_sync_entries_total", flow="orders-in", status="ok") == 2
        assert after.value("skein_sync_entries_total", flow="orders-in", status="pending") == 1
        # Three orders accepted (A, C, then B on its retry) and B's first attempt refused with a 500.
        assert after.value("skein_connector_calls_total", connector="http", instance_name="dest", outcome="success") == 3
        assert after.value("skein_connector_calls_total", connector="http", instance_name="dest", outcome="server_error") == 1
        assert after.value("skein_connector_call_duration_seconds_count", connector="http", instance_name="dest", outcome="success") == 3
        assert after.value("skein_webhooks_accepted_total", flow="orders-in") == 2
        assert len(destination.received) == 4
        # Every store operation is timed; claims and the webhook's group commit among them.
        assert after.value("skein_store_operation_duration_seconds_count", backend="sqlite", operation="claimRuns", outcome="success") >= 2
        assert after.value("skein_store_operation_duration_seconds_count", backend="sqlite", operation="enqueueBatch", outcome="success") >= 1
        # The exposition names and explains what it serves.
        assert after.types["skein_runs_started_total"] == "counter"
        assert after.types["skein_step_duration_seconds"] == "histogram"
        assert after.types["skein_queue_depth"] == "gauge"
        assert after.help["skein_connector_calls_total"].startswith("Calls to external systems")
        # No series is labelled by a run id or anything a caller invents.
        for _, labels, _ in after.samples:
            assert set(labels) <= {"flow", "trigger", "status", "shape_type", "reason", "connector", "instance_name", "outcome",
                                   "kind", "backend", "operation", "le"}, labels
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_metrics_token_is_required_when_set(skein, monkeypatch):
    monkeypatch.setenv("SKEIN_METRICS_TOKEN", "scrape-secret-81d2")
    metrics_port = free_port()
    process, _ = skein.serve_api("--metrics-port", str(metrics_port))
    url = f"http://127.0.0.1:{metrics_port}/metrics"
    try:
        status, text = scrape(url)
        assert status == 401 and "Bearer" in text
        assert scrape(url, token="wrong")[0] == 401
        status, text = scrape(url, token="scrape-secret-81d2")
        assert status == 200 and Metrics(text).value("skein_store_reachable") == 1
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_retention_deletions_are_counted(skein, tmp_path):
    flow = tmp_path / "split.yaml"
    flow.write_text("id: splitter\nshapes:\n  - id: each\n    split: { path: items }\n")
    skein.run("flow", "deploy", str(flow))
    payload = tmp_path / "items.json"
    payload.write_text(json.dumps({"items": [1, 2, 3]}))
    for _ in range(2):
        skein.run("run", "splitter", "--payload", str(payload))
    time.sleep(1.5)
    metrics_port = free_port()
    process, _ = skein.serve_api("--metrics-port", str(metrics_port), "--keep-runs", "1s", "--keep-payloads", "1s")
    try:
        url = f"http://127.0.0.1:{metrics_port}/metrics"
        pruned = wait_for(lambda: (lambda m: m if m.value("skein_retention_deleted_total", kind="runs") == 2 else None)(Metrics(scrape(url)[1])),
                          timeout=30, what="retention to delete both runs")
        # Each run stored its input and the three items it split it into: 8 payloads.
        assert pruned.value("skein_retention_deleted_total", kind="payloads") == 8
        assert skein.json("runs", "list") == []
    finally:
        process.terminate()
        process.wait(timeout=30)



def test_a_metrics_port_in_use_stops_serve_with_a_clear_error(skein):
    Path(skein.data_dir).mkdir(parents=True, exist_ok=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = skein.serve("--metrics-port", str(port))
        assert process.wait(timeout=60) != 0
    log = sorted(Path(skein.data_dir).glob("serve-*.log"))[-1].read_text()
    assert f"cannot listen on 127.0.0.1:{port} for metrics: the address is already in use; choose another --metrics-port" in log, log
