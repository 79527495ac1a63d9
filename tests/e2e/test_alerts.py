"""Failure alerts through the real `skein` binary and `skein serve`, the Done-when of issue 22: a
notification group with an email address and a webhook URL; the mail goes to a real SMTP server
(aiosmtpd) over STARTTLS with a certificate from a test CA (verified: the instance trusts that CA
with `ca_file`) and logs in only once TLS is up; the webhook is a local HTTP server. A failing run
is alerted at once; a second failure inside the window is only counted toward the digest (the
server logs that it counted it, and nothing more is sent), and the digest goes out when the
window ends. Every alert is in the audit log."""
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import smtp_controller, wait_for
from test_notify_tls import PASSWORD, Inbox, certificates, server_context  # noqa: F401 (certificates is a fixture)

FLOW = """
id: always-fails
alerts:
  on_failure: [ops]
shapes:
  - id: check
    assert: { condition: '$exists(never_there)', message: the order has no never_there field }
"""
# Long enough that the second failure is surely found inside it on a busy machine (the service
# looks every 2 s); the test waits for the digest, it does not time it.
WINDOW = "20s"


class Hooks(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Hooks.received.append((self.path, self.headers.get("Content-Type"), json.loads(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def audit(base, token):
    request = urllib.request.Request(base + "/api/v1/audit?action=alert.", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["entries"]


def test_a_failing_run_alerts_once_over_starttls_then_a_digest(skein, tmp_path, certificates, monkeypatch):  # noqa: F811
    inbox = Inbox()
    controller = smtp_controller(inbox, authenticator=inbox.authenticate, tls_context=server_context(certificates),
                                 require_starttls=True, auth_require_tls=True)
    controller.start()
    hooks = ThreadingHTTPServer(("127.0.0.1", 0), Hooks)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    Hooks.received = []
    process = None
    try:
        skein.run("instance", "add", "mail", "--type", "smtp", "--address", f"smtp://127.0.0.1:{controller.port}",
                  "--setting", f"ca_file={certificates['ca']}", "--credential", "username=alerts", "--credential", f"password={PASSWORD}")
        hook_url = f"http://127.0.0.1:{hooks.server_port}/services/T0/B0/very-secret-path"
        skein.run("alert-group", "create", "ops", "--email", "ops@example.com", "--webhook", hook_url, "--smtp-instance", "mail")
        shown = skein.run("alert-group", "show", "ops").stdout
        assert "very-secret-path" not in shown and f"http://127.0.0.1:{hooks.server_port}/…" in shown
        (tmp_path / "flow.yaml").write_text(FLOW)
        skein.run("flow", "deploy", str(tmp_path / "flow.yaml"))
        assert "always-fails" in skein.run("alert-group", "list").stdout  # the flow naming the group
        skein.add_user("root", "admin")
        token = skein.create_token("root")

        monkeypatch.setenv("SKEIN_ALERT_WINDOW", WINDOW)
        monkeypatch.setenv("SKEIN_BASE_URL", "https://skein.example.com")
        process, base = skein.serve_api()

        (tmp_path / "order.json").write_text("{}")
        first = skein.run("run", "always-fails", "--payload", str(tmp_path / "order.json"), check=False)
        assert first.returncode != 0
        wait_for(lambda: len(inbox.messages) == 1 and len(Hooks.received) == 1, timeout=60, what="the first alert")
        message, tls = inbox.messages[0]
        assert tls == "TLSv1.3", "the alert came over STARTTLS"
        assert inbox.logins and all(over_tls for _, over_tls in inbox.logins), "the password went over TLS only"
        mail = message.content.decode()
        assert message.rcpt_tos == ["ops@example.com"]
        assert "always-fails: run 1 failed" in mail
        assert "https://skein.example.com/runs/1" in mail
        path, content_type, body = Hooks.received[0]
        assert path == "/services/T0/B0/very-secret-path" and content_type == "application/json"
        assert "run 1 failed" in body["text"] and "never_there" in body["text"]

        # A second failure inside the window is only counted: the server says so, and sends nothing ...
        skein.run("run", "always-fails", "--payload", str(tmp_path / "order.json"), check=False)
        wait_for(lambda: "failure counted for the alert digest" in Path(process.log_path).read_text(), timeout=60,
                 what="the second failure to be counted")
        assert len(inbox.messages) == 1 and len(Hooks.received) == 1, "a failure inside the window was sent at once"
        assert [entry["action"] for entry in audit(base, token)] == ["alert.sent"]
        # ... and goes out as a digest, over STARTTLS again, when the window ends.
        wait_for(lambda: len(inbox.messages) == 2 and len(Hooks.received) == 2, timeout=120, what="the digest")
        digest, tls = inbox.messages[1]
        assert tls == "TLSv1.3"
        assert "1 more failure of flow 'always-fails' since" in digest.content.decode()
        assert "1 more failure since" in Hooks.received[1][2]["text"]
        assert all("very-secret-path" not in m.content.decode() for m, _ in inbox.messages)

        entries = audit(base, token)
        assert [entry["action"] for entry in entries] == ["alert.digest", "alert.sent"]
        assert entries[0]["details"]["count"] == 1 and entries[0]["details"]["group"] == "ops"
        assert "mailto:ops@example.com" in entries[1]["details"]["sent_to"]
        assert "very-secret-path" not in json.dumps(entries)
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
        controller.stop()
        hooks.shutdown()


def test_an_alert_to_a_server_whose_certificate_fails_verification_is_not_sent_and_is_audited(
        skein, tmp_path, certificates, monkeypatch):  # noqa: F811
    inbox = Inbox()
    controller = smtp_controller(inbox, authenticator=inbox.authenticate, tls_context=server_context(certificates, "untrusted"),
                                 require_starttls=True, auth_require_tls=True)
    controller.start()
    process = None
    try:
        skein.run("instance", "add", "mail", "--type", "smtp", "--address", f"smtp://127.0.0.1:{controller.port}",
                  "--setting", f"ca_file={certificates['ca']}", "--credential", "username=alerts", "--credential", f"password={PASSWORD}")
        skein.run("alert-group", "create", "ops", "--email", "ops@example.com", "--smtp-instance", "mail")
        (tmp_path / "flow.yaml").write_text(FLOW)
        skein.run("flow", "deploy", str(tmp_path / "flow.yaml"))
        skein.add_user("root", "admin")
        token = skein.create_token("root")
        process, base = skein.serve_api()
        (tmp_path / "order.json").write_text("{}")
        skein.run("run", "always-fails", "--payload", str(tmp_path / "order.json"), check=False)
        entries = wait_for(lambda: audit(base, token), timeout=60, what="the alert's audit entry")
        assert [entry["action"] for entry in entries] == ["alert.failed"]
        errors = " ".join(entries[0]["details"]["errors"])
        assert "CERTIFICATE_VERIFY_FAILED" in errors and "email through 'mail' not sent" in errors, errors
        assert PASSWORD not in json.dumps(entries) and PASSWORD not in Path(process.log_path).read_text()
        assert inbox.messages == [] and inbox.logins == [], "nothing, not even the login, went to the unverified server"
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
        controller.stop()
