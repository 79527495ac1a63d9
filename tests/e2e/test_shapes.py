"""End-to-end tests of the de-dupe, set_variables, script, cache, notify and track_data shapes
through the real `skein` binary (and `skein serve`), with a real SMTP server (aiosmtpd)."""
import json
import os
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import smtp_controller, wait_for


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def orders(numbers, skus=("AB-1",)):
    return {"orders": [{"order_number": n, "customer": {"email": f"c{n}@example.com"},
                        "line_items": [{"sku": s, "quantity": 1, "price": 9.5} for s in skus]} for n in numbers]}


DEDUPE_FLOW = """
id: new-orders
shapes:
  - id: each
    split: { path: orders }
  - id: once
    dedupe: { pool: shop-orders, key: order_number }
  - id: track
    track_data: { fields: { order: order_number, sku: line_items.sku } }
  - id: to-erp
    http: { instance: erp, direction: send, method: POST, path: /orders, body: json }
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_concurrent_processes_pass_each_order_once_through_one_pool(skein, tmp_path, erp, backend, request, monkeypatch):
    if backend == "postgres":
        # Every `skein` process below shares one PostgreSQL database instead of the SQLite file.
        monkeypatch.setenv("SKEIN_DATABASE", request.getfixturevalue("postgres_url"))
    skein.run("instance", "add", "erp", "--type", "http", "--address", f"http://127.0.0.1:{erp.server_port}")
    skein.run("flow", "deploy", write(tmp_path, "flow.yaml", DEDUPE_FLOW))
    batches = [list(range(1, 301)), list(range(151, 451)), list(range(301, 601)), list(range(1, 601, 3))]
    files = [write(tmp_path, f"batch{i}.json", json.dumps(orders(b))) for i, b in enumerate(batches)]
    # Four `skein run` processes at once, each its own connection to one database.
    processes = [subprocess.Popen([skein.binary, "run", "new-orders", "--payload", f, "--json", "--data-dir", skein.data_dir],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert all(r["status"] == "success" for r in results)
    passed = sum(step["payloads_out"] for r in results for step in skein.json("runs", "show", str(r["run"]))["steps"]
                 if step["shape"] == "once")
    assert passed == 600
    # Every order reached the ERP, and none twice.
    assert erp.system.duplicates == 0 and erp.system.requests == 600
    assert sorted(int(k) for k in erp.system.received) == list(range(1, 601))

    # The pool as CSV: export, import into another pool, list both.
    exported = tmp_path / "pool.csv"
    skein.run("pool", "export", "shop-orders", "-o", str(exported))
    lines = exported.read_text().splitlines()
    assert lines[0] == "key,first_seen_at,expires_at" and len(lines) == 601
    assert skein.run("pool", "import", "copy", str(exported)).stdout.startswith("imported 600 new keys")
    assert "0 new keys" in skein.run("pool", "import", "copy", str(exported)).stdout
    pools = {p["name"]: p["keys"] for p in skein.json("pool", "list")}
    assert pools == {"copy": 600, "shop-orders": 600}
    bad = write(tmp_path, "bad.csv", "order\n1\n")
    result = skein.run("pool", "import", "copy", bad, check=False)
    assert result.returncode != 0 and "no 'key' column" in result.stderr

    # Where did order 450 go? Exactly one run passed it to the track step.
    hits = skein.json("track", "search", "450", "--field", "order")
    assert len(hits) == 1 and hits[0]["step"] == "track" and hits[0]["run_status"] == "success"
    assert "RUN" in skein.run("track", "search", "AB-1").stdout


SCRIPT_FLOWS = {
    "spin": """
id: spin
shapes:
  - id: forever
    script:
      language: python
      timeout: 2s
      code: |
        import subprocess
        subprocess.Popen(["/bin/sh", "-c", "sleep 600; : TOKEN"])
        while True:
            pass
""",
    "hungry": """
id: hungry
shapes:
  - id: grow
    script:
      language: python
      memory: 200MB
      code: |
        chunks = []
        while True:
            chunks.append(bytearray(10 * 1024 * 1024))
""",
    "fine": """
id: fine
shapes:
  - id: double
    script:
      language: node
      code: |
        let t = ''; process.stdin.on('data', c => t += c).on('end', () => {
          const o = JSON.parse(t); console.log(JSON.stringify({order: o.order_number, qty: 2 * o.line_items[0].quantity}));
        });
""",
}


def processes_with(token):
    """Host processes whose command line contains `token`."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and token.encode() in open(f"/proc/{entry}/cmdline", "rb").read():
                found.append(int(entry))
        except OSError:
            pass
    return found


def test_serve_stops_runaway_scripts_at_their_limits_and_carries_on(skein, tmp_path):
    token = f"skein-spin-{time.time_ns()}"
    for name, text in SCRIPT_FLOWS.items():
        skein.run("flow", "deploy", write(tmp_path, f"{name}.yaml", text.replace("TOKEN", token)))
    payload = write(tmp_path, "order.json", json.dumps(orders([1042])["orders"][0]))
    queued = {name: skein.json("run", name, "--payload", payload, "--queue")["run"] for name in SCRIPT_FLOWS}
    server = skein.serve()
    try:
        def finished(run_id):
            run = skein.json("runs", "show", str(run_id))
            return run if run["status"] not in ("queued", "started") else None
        spin = wait_for(lambda: finished(queued["spin"]), timeout=120, what="the looping script to be stopped")
        hungry = wait_for(lambda: finished(queued["hungry"]), timeout=120, what="the allocating script to be stopped")
        fine = wait_for(lambda: finished(queued["fine"]), timeout=120, what="the well-behaved script")
        assert spin["status"] == "failure"
        assert "ran longer than its time limit of 2s and was stopped" in spin["steps"][0]["error"]
        assert hungry["status"] == "failure"
        assert "ran out of its memory limit of 200 MB" in hungry["steps"][0]["error"]
        assert "MemoryError" in hungry["steps"][0]["error"]
        # The worker carried on: a later run of a good script succeeds in the same server.
        assert fine["status"] == "success"
        again = skein.json("run", "fine", "--payload", payload, "--queue")["run"]
        assert wait_for(lambda: finished(again), timeout=120, what="a run after the limits")["status"] == "success"
        assert server.poll() is None
        # The looping script's child (and so the script) is gone.
        wait_for(lambda: not processes_with(token), timeout=30, what="the looping script's child to be gone")
    finally:
        server.terminate()
        server.wait(timeout=30)


class Recorder(BaseHTTPRequestHandler):
    requests = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Recorder.requests.append((self.path, self.headers.get("Content-Type"), body.decode()))
        # Answers like an ERP that echoes the order it stored.
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def recorder():
    Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def test_variables_reach_connector_templates_and_notify_posts(skein, tmp_path, recorder):
    skein.run("instance", "add", "erp", "--type", "http", "--address", f"http://127.0.0.1:{recorder.server_port}")
    skein.run("flow", "deploy", write(tmp_path, "flow.yaml", f"""
id: batch-to-erp
variables: {{ channel: web }}
shapes:
  - id: remember
    set_variables: {{ values: {{ batch: "'B-' & $string(batch_id)" }} }}
  - id: each
    split: {{ path: orders }}
  - id: send
    http: {{ instance: erp, direction: send, method: POST, path: "/batches/{{{{batch}}}}/orders?channel={{{{channel}}}}", body: json }}
  - id: tell
    notify:
      post:
        url: http://127.0.0.1:{recorder.server_port}/hooks/{{{{vars.batch}}}}
        body: '{{"text": "order {{{{order_number}}}} sent in {{{{vars.batch}}}}"}}'
"""))
    payload = write(tmp_path, "batch.json", json.dumps({"batch_id": 12, **orders([1, 2])}))
    assert skein.json("run", "batch-to-erp", "--payload", payload)["status"] == "success"
    paths = [r[0] for r in Recorder.requests]
    assert paths.count("/batches/B-12/orders?channel=web") == 2
    hooks = [json.loads(r[2]) for r in Recorder.requests if r[0] == "/hooks/B-12"]
    assert hooks == [{"text": "order 1 sent in B-12"}, {"text": "order 2 sent in B-12"}]


def test_notify_sends_email_through_a_real_smtp_server_with_auth(skein, tmp_path):
    from aiosmtpd.smtp import AuthResult

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"alerts" and auth_data.password == b"s3cret-smtp-pass"
        return AuthResult(success=ok, handled=False)

    inbox = Inbox()
    controller = smtp_controller(inbox, authenticator=authenticate, auth_require_tls=False)
    controller.start()
    port = controller.port
    try:
        skein.run("instance", "add", "mail", "--type", "smtp", "--address", f"smtp://127.0.0.1:{port}",
                  "--credential", "username=alerts", "--credential", "password=s3cret-smtp-pass",
                  "--setting", "allow_plaintext_auth=true")  # aiosmtpd here speaks no TLS (see test_notify_tls.py)
        skein.run("flow", "deploy", write(tmp_path, "flow.yaml", """
id: failed-orders-mail
shapes:
  - id: each
    split: { path: orders }
  - id: tell-ops
    notify:
      email:
        instance: mail
        from: Skein <skein@example.com>
        to: [ops@example.com, "{{customer.email}}"]
        subject: "Order {{order_number}} was not sent"
        body: |
          Order {{order_number}} ({{line_items[0].sku}}) could not be sent.
          .a line starting with a dot
"""))
        payload = write(tmp_path, "orders.json", json.dumps(orders([1042, 1043])))
        result = skein.run("run", "failed-orders-mail", "--payload", payload)
        assert "success" in result.stdout
        assert len(inbox.messages) == 2
        first = inbox.messages[0]
        assert first.mail_from == "skein@example.com"
        assert first.rcpt_tos == ["ops@example.com", "c1042@example.com"]
        text = first.content.decode()
        assert "Subject: Order 1042 was not sent" in text
        assert "Order 1042 (AB-1) could not be sent." in text
        assert "\n.a line starting with a dot" in text.replace("\r\n", "\n")

        # A wrong password: the step fails naming the server's answer, never the password.
        skein.run("instance", "add", "mail", "--type", "smtp", "--address", f"smtp://127.0.0.1:{port}",
                  "--credential", "username=alerts", "--credential", "password=wrong-pass-123",
                  "--setting", "allow_plaintext_auth=true")
        failed = skein.run("run", "failed-orders-mail", "--payload", payload, check=False)
        assert failed.returncode != 0 or "failure" in failed.stdout
        run_id = max(r["id"] for r in skein.json("runs", "list"))
        shown = skein.run("runs", "show", str(run_id)).stdout
        assert "refused AUTH PLAIN: 535" in shown
        assert "wrong-pass-123" not in shown and "s3cret-smtp-pass" not in shown
    finally:
        controller.stop()
