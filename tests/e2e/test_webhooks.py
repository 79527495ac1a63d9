"""Webhooks end to end: `skein serve` on a free port takes POSTs with urllib, refuses bad
tokens, bad signatures, invalid JSON and oversized bodies with JSON errors, and the runs it
accepted are executed by its own workers."""
import hashlib
import hmac
import http.client
import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import wait_for

TOKEN = "wh-token-8d3f2a91c4b7e605"
SECRET = "wh-hmac-secret-Q4v8Lx2"

FLOW = """
id: orders-in
trigger: {{ webhook: {{ token: {token}{extra} }} }}
shapes:
  - id: each-order
    split: {{ path: orders }}
  - id: paid-only
    filter:
      where: [ {{ field: status, equals: paid }} ]
"""


def post(url, body, content_type="application/json", headers=None):
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def sign(body, secret=SECRET):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def server(skein, tmp_path):
    """Deploys a plain webhook flow (limit 2000 bytes) and a signed one, then starts `skein serve`."""
    plain = tmp_path / "plain.yaml"
    plain.write_text(FLOW.format(token=TOKEN, extra=", max_body_bytes: 2000"))
    signed = tmp_path / "signed.yaml"
    signed.write_text(FLOW.format(token=TOKEN, extra=", hmac_secret_env: ORDERS_HMAC").replace("id: orders-in", "id: signed-in"))
    skein.run("flow", "deploy", str(plain))
    skein.run("flow", "deploy", str(signed))
    env_before = os.environ.get("ORDERS_HMAC")
    os.environ["ORDERS_HMAC"] = SECRET
    try:
        process = skein.serve("--log-level", "debug")
    finally:
        if env_before is None:
            del os.environ["ORDERS_HMAC"]
        else:
            os.environ["ORDERS_HMAC"] = env_before
    base = f"http://127.0.0.1:{skein.listening_port(process)}"

    def healthy():
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                return response.status == 200 and json.loads(response.read()) == {"status": "ok"}
        except OSError:
            assert process.poll() is None, "skein serve exited"
            return False

    wait_for(healthy, timeout=30, what="skein serve to answer /health")
    yield base, process
    process.terminate()
    process.wait(timeout=30)


def serve_log(skein):
    return "".join(p.read_text() for p in Path(skein.data_dir).glob("serve-*.log"))


def test_webhooks_start_runs_and_bad_requests_get_clear_json_errors(skein, server):
    base, _ = server
    orders = {"orders": [{"id": 1, "status": "paid"}, {"id": 2, "status": "pending"}, {"id": 3, "status": "paid"}]}
    body = json.dumps(orders).encode()

    status, answer = post(f"{base}/webhooks/orders-in/{TOKEN}", body)
    assert (status, answer) == (202, {"run": 1, "status": "queued"})

    for address in [f"/webhooks/orders-in/{TOKEN[:-1]}x", f"/webhooks/no-such-flow/{TOKEN}", "/webhooks/orders-in/short"]:
        status, answer = post(base + address, body)
        assert status == 404
        assert answer == {"error": {"code": "not_found", "message": "no webhook at this address"}}

    status, answer = post(f"{base}/webhooks/orders-in/{TOKEN}", b'{"orders": [1, 2,]}')
    assert status == 400
    assert answer["error"]["code"] == "invalid_body"
    assert "line 1, column 18" in answer["error"]["message"]

    status, answer = post(f"{base}/webhooks/orders-in/{TOKEN}", b"x" * 2001, content_type="text/plain")
    assert status == 413
    assert answer["error"]["code"] == "body_too_large"

    signed = f"{base}/webhooks/signed-in/{TOKEN}"
    assert post(signed, body)[0] == 401
    status, answer = post(signed, body, headers={"X-Skein-Signature": sign(body, "not-the-secret")})
    assert (status, answer["error"]["code"]) == (401, "invalid_signature")
    status, answer = post(signed, body, headers={"X-Skein-Signature": sign(body)})
    assert (status, answer) == (202, {"run": 2, "status": "queued"})

    def finished():
        runs = skein.json("runs", "list")
        return len(runs) == 2 and all(r["status"] == "success" for r in runs) and runs

    runs = wait_for(finished, timeout=60, what="both webhook runs to succeed")
    assert {r["trigger"] for r in runs} == {"webhook"}
    run = skein.json("runs", "show", "1")
    steps = {s["shape"]: s for s in run["steps"]}
    assert steps["paid-only"]["payloads_out"] == 2
    assert json.loads(skein.run("payload", "show", "1", "input").stdout) == orders

    log = serve_log(skein)
    assert "webhook accepted" in log
    assert TOKEN not in log and SECRET not in log


def test_a_chunked_body_over_the_limit_is_refused_while_streaming(skein, server):
    base, _ = server
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    chunks = [b'"' + b"a" * 700, b"b" * 700, b"c" * 700 + b'"']  # 2102 bytes, no Content-Length
    connection.request("POST", f"/webhooks/orders-in/{TOKEN}", body=iter(chunks),
                       headers={"Content-Type": "application/json"}, encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"]["code"] == "body_too_large"
    connection.close()

    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("POST", f"/webhooks/orders-in/{TOKEN}", body=iter([b'{"orders":', b" []}"]),
                       headers={"Content-Type": "application/json"}, encode_chunked=True)
    response = connection.getresponse()
    assert (response.status, json.loads(response.read())) == (202, {"run": 1, "status": "queued"})
    connection.close()
    assert [r["id"] for r in skein.json("runs", "list")] == [1]
