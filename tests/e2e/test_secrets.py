"""Credentials never leak: instances with distinctive secrets (a basic password, a bearer
token, an API key) run flows against a real HTTP system that checks them; afterwards no
plaintext secret (nor the base64 of user:password) is in the SQLite file, its WAL, the serve
log, or any CLI output. Failures (unreachable host, wrong password, expired token) each say
clearly which instance is wrong and why."""
import base64
import json
import os
import urllib.request
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

import demo_systems
from conftest import wait_for

USER = "skein-user"
PASSWORD = "Pw-basic-7Q2x9-zebra"
WRONG_PASSWORD = "Pw-wrong-Y6t4-walrus"
TOKEN = "Tok-bearer-K8m3-heron"
EXPIRED_TOKEN = "Tok-expired-R2d7-otter"
API_KEY = "Key-apikey-Z5v1-lynx"
SECRETS = [PASSWORD, WRONG_PASSWORD, TOKEN, EXPIRED_TOKEN, API_KEY]
ENCODED = [base64.b64encode(f"{USER}:{p}".encode()).decode() for p in (PASSWORD, WRONG_PASSWORD)]
WEBHOOK_TOKEN = "secrets-webhook-token-0042"


class Guarded:
    """A system whose /basic, /bearer and /key paths each want their own credential."""

    def __init__(self):
        self.seen = []

    def handler(self):
        system = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                auth = self.headers.get("Authorization", "")
                system.seen.append(self.path)
                if self.path.startswith("/basic"):
                    ok = auth == "Basic " + ENCODED[0]
                    challenge = 'Basic realm="guarded"'
                elif self.path.startswith("/bearer"):
                    ok = auth == f"Bearer {TOKEN}"
                    challenge = 'Bearer error="invalid_token", error_description="The access token expired"'
                elif self.path.startswith("/key"):
                    ok = self.headers.get("X-Api-Key") == API_KEY
                    challenge = None
                else:
                    return self._send(404, {"error": "not found"})
                if not ok:
                    # Echo what arrived, as careless systems do: Skein must still not store or show it.
                    return self._send(401, {"error": "unauthorized", "you_sent": auth or self.headers.get("X-Api-Key")},
                                      {"WWW-Authenticate": challenge} if challenge else {})
                self._send(200, {"orders": [{"id": 1, "status": "paid"}]})

            def _send(self, status, body, headers=None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


@pytest.fixture
def guarded():
    server = demo_systems.serve(Guarded().handler())
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def flow(instance, path, webhook=False):
    trigger = f"{{ webhook: {{ token: {WEBHOOK_TOKEN} }} }}" if webhook else "manual"
    return f"""
id: pull-{instance}
trigger: {trigger}
shapes:
  - id: fetch
    http:
      instance: {instance}
      direction: receive
      method: GET
      path: {path}
    retry: {{ attempts: 1 }}
"""


def test_credentials_never_leak_and_failures_name_the_instance(skein, guarded, tmp_path, monkeypatch):
    outputs = []

    def cli(*args, check=True):
        result = skein.run(*args, check=check)
        outputs.append(f"$ skein {' '.join(args)}\n{result.stdout}\n{result.stderr}")
        return result

    monkeypatch.setenv("E2E_PASSWORD", PASSWORD)
    monkeypatch.setenv("E2E_WRONG", WRONG_PASSWORD)
    monkeypatch.setenv("E2E_TOKEN", TOKEN)
    monkeypatch.setenv("E2E_EXPIRED", EXPIRED_TOKEN)
    monkeypatch.setenv("E2E_KEY", API_KEY)
    common = ["--type", "http", "--timeout", "3s"]
    cli("instance", "add", "basic-shop", *common, "--address", guarded, "--setting", "auth=basic", "--setting", "test_path=/basic/ping",
        "--credential", f"username={USER}", "--credential-env", "password=E2E_PASSWORD")
    cli("instance", "add", "bearer-erp", *common, "--address", guarded, "--setting", "auth=bearer", "--setting", "test_path=/bearer/ping", "--credential-env", "token=E2E_TOKEN")
    cli("instance", "add", "key-wms", *common, "--address", guarded, "--setting", "test_path=/key/ping", "--setting", 'auth={"type":"api_key","header":"X-Api-Key"}',
        "--credential-env", "api_key=E2E_KEY")
    cli("instance", "add", "wrong-pass", *common, "--address", guarded, "--setting", "auth=basic", "--setting", "test_path=/basic/ping",
        "--credential", f"username={USER}", "--credential-env", "password=E2E_WRONG")
    cli("instance", "add", "expired-token", *common, "--address", guarded, "--setting", "auth=bearer", "--setting", "test_path=/bearer/ping", "--credential-env", "token=E2E_EXPIRED")
    cli("instance", "add", "down", *common, "--address", "http://127.0.0.1:9", "--setting", "auth=bearer", "--credential-env", "token=E2E_TOKEN")

    flows = {"basic-shop": "/basic/orders", "bearer-erp": "/bearer/orders", "key-wms": "/key/orders",
             "wrong-pass": "/basic/orders", "expired-token": "/bearer/orders", "down": "/orders"}
    for name, path in flows.items():
        file = tmp_path / f"{name}.yaml"
        file.write_text(flow(name, path, webhook=name in ("basic-shop", "wrong-pass")))
        cli("flow", "deploy", str(file))

    # Good credentials: the runs succeed.
    for name in ("basic-shop", "bearer-erp", "key-wms"):
        assert "success" in cli("run", f"pull-{name}").stdout

    # Bad ones: each run fails with a message naming the instance and what is wrong.
    failures = {
        "wrong-pass": "the username or password was rejected",
        "expired-token": "the bearer token was rejected (expired, revoked or wrong)",
        "down": "could not connect",
    }
    for name, reason in failures.items():
        result = cli("run", f"pull-{name}", check=False)
        assert result.returncode != 0
        assert f"instance '{name}'" in result.stdout + result.stderr
        assert reason in result.stdout + result.stderr
    for name, reason in failures.items():
        result = cli("instance", "test", name, check=False)
        assert result.returncode == 1
        assert result.stdout.startswith(f"failed: instance '{name}'")
        assert reason in result.stdout
    for name in ("basic-shop", "bearer-erp", "key-wms"):
        result = cli("instance", "test", name)
        assert result.stdout.startswith(f"ok: instance '{name}': reachable")
        assert "the credentials were accepted" in result.stdout
    missing = cli("instance", "test", "nobody", check=False)
    assert missing.returncode == 1 and "no instance named 'nobody'" in missing.stdout

    # The same through `skein serve`, whose log is checked too (trace level, the most verbose).
    process = skein.serve("--log-level", "trace")
    try:
        port = skein.listening_port(process)

        def post(flow_id):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/{flow_id}/{WEBHOOK_TOKEN}", data=b"{}",
                                             method="POST", headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    return response.status
            except OSError:
                return None

        wait_for(lambda: post("pull-basic-shop") == 202, timeout=30, what="skein serve to accept a webhook")
        assert post("pull-wrong-pass") == 202
        wait_for(lambda: len([r for r in skein.json("runs", "list", "--trigger", "webhook") if r["status"] in ("success", "failure")]) == 2,
                 timeout=60, what="the webhook runs to finish")
    finally:
        process.terminate()
        process.wait(timeout=30)

    runs = cli("runs", "list", "--json").stdout
    for run in json.loads(runs):
        cli("runs", "show", str(run["id"]), "--json")
        cli("runs", "show", str(run["id"]))
    webhook_runs = {r["flow"]: r for r in json.loads(runs) if r["trigger"] == "webhook"}
    assert webhook_runs["pull-basic-shop"]["status"] == "success"
    assert webhook_runs["pull-wrong-pass"]["status"] == "failure"
    shown = json.loads(cli("runs", "show", str(webhook_runs["pull-wrong-pass"]["id"]), "--json").stdout)
    assert "instance 'wrong-pass'" in json.dumps(shown)
    assert any(step["calls"] for step in shown["steps"]), "the failed call is recorded (redacted)"
    listing = cli("instance", "list").stdout
    assert "basic-shop" in listing and "password" in listing and "username" in listing
    cli("instance", "list", "--json")
    cli("runs", "list")

    data = Path(skein.data_dir)
    haystacks = {"CLI output": "\n".join(outputs).encode()}
    for file in data.iterdir():
        if file.name.startswith("skein.sqlite") or file.name.startswith("serve-"):
            haystacks[file.name] = file.read_bytes()
    assert "skein.sqlite" in haystacks and any(name.startswith("serve-") for name in haystacks)
    assert "webhook accepted" in haystacks[next(n for n in haystacks if n.startswith("serve-"))].decode()
    database = b"".join(content for name, content in haystacks.items() if name.startswith("skein.sqlite"))
    # Positive control: the system's 401 answer, which echoed the secret it got, was stored (redacted).
    assert b"you_sent" in database
    for name, content in haystacks.items():
        if name.startswith("serve-"):
            assert WEBHOOK_TOKEN.encode() not in content, "the webhook URL's token is not logged, even at trace level"
    for where, content in haystacks.items():
        for secret in SECRETS + ENCODED:
            assert secret.encode() not in content, f"{secret!r} found in {where}"
