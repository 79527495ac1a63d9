"""Failure alerts through the real `skein` binary and `skein serve`: a notification group with an
email address (a real SMTP server, aiosmtpd) and a webhook URL (a local HTTP server); a failing
run sends one alert at once, a second failure inside the window only counts toward the digest,
and the digest goes out when the window ends. Every alert is in the audit log.

STARTTLS: mail over TLS is landing separately (branch green-suite); once it is on main this test
moves to its aiosmtpd-with-a-test-CA helpers."""
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import wait_for

FLOW = """
id: always-fails
alerts:
  on_failure: [ops]
shapes:
  - id: check
    assert: { condition: '$exists(never_there)', message: the order has no never_there field }
"""


class Hooks(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Hooks.received.append((self.path, self.headers.get("Content-Type"), json.loads(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_failing_run_alerts_once_then_a_digest(skein, tmp_path):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    hooks = ThreadingHTTPServer(("127.0.0.1", 0), Hooks)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    Hooks.received = []
    process = None
    try:
        skein.run("instance", "add", "mail", "--type", "smtp", "--address", f"smtp://127.0.0.1:{smtp_port}")
        hook_url = f"http://127.0.0.1:{hooks.server_port}/services/T0/B0/very-secret-path"
        skein.run("alert-group", "create", "ops", "--email", "ops@example.com", "--webhook", hook_url, "--smtp-instance", "mail")
        shown = skein.run("alert-group", "show", "ops").stdout
        assert "very-secret-path" not in shown and f"http://127.0.0.1:{hooks.server_port}/…" in shown
        (tmp_path / "flow.yaml").write_text(FLOW)
        skein.run("flow", "deploy", str(tmp_path / "flow.yaml"))

        import os
        os.environ["SKEIN_ALERT_WINDOW"] = "8s"
        os.environ["SKEIN_BASE_URL"] = "https://skein.example.com"
        try:
            process, _ = skein.serve_api()
        finally:
            del os.environ["SKEIN_ALERT_WINDOW"], os.environ["SKEIN_BASE_URL"]

        (tmp_path / "order.json").write_text("{}")
        first = skein.run("run", "always-fails", "--payload", str(tmp_path / "order.json"), check=False)
        assert first.returncode != 0
        wait_for(lambda: len(inbox.messages) == 1 and len(Hooks.received) == 1, timeout=30, what="the first alert")
        mail = inbox.messages[0].content.decode()
        assert inbox.messages[0].rcpt_tos == ["ops@example.com"]
        assert "always-fails: run 1 failed" in mail
        assert "https://skein.example.com/runs/1" in mail
        path, content_type, body = Hooks.received[0]
        assert path == "/services/T0/B0/very-secret-path" and content_type == "application/json"
        assert "run 1 failed" in body["text"] and "never_there" in body["text"]

        # A second failure inside the window is only counted ...
        skein.run("run", "always-fails", "--payload", str(tmp_path / "order.json"), check=False)
        import time
        time.sleep(3)
        assert len(inbox.messages) == 1 and len(Hooks.received) == 1, "a failure inside the window sent at once"
        # ... and goes out as a digest when the window ends.
        wait_for(lambda: len(inbox.messages) == 2, timeout=40, what="the digest")
        digest = inbox.messages[1].content.decode()
        assert "1 more failure since" in digest, digest
        assert len(Hooks.received) == 2 and "1 more failure since" in Hooks.received[1][2]["text"]
        assert all("very-secret-path" not in m.content.decode() for m in inbox.messages)
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
        controller.stop()
        hooks.shutdown()
