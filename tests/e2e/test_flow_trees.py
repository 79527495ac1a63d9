"""Flow trees end to end with the real `skein` binary and real ERP servers on 127.0.0.1:
route + try/catch on orders, run_flow between two deployed flows, a callback webhook answered
with the flow's result, and a `kill -9` of `skein serve` while a route branch is sending."""
import json
import os
import signal
import urllib.error
import urllib.request

from conftest import make_erp, wait_for

TOKEN = "cb-token-5e1d9c07a2f4b368"

ORDERS = {"orders": [
    {"id": 1001, "name": "#1001", "country": "GB", "line_items": [{"sku": "MUG-RED", "quantity": 2, "price": "12.50"}]},
    {"id": 1002, "name": "#1002", "country": "FR", "line_items": [{"sku": "LAMP", "quantity": 1, "price": "80.00"}]},
    {"id": 1003, "name": "#1003", "country": "GB", "line_items": []},
    {"id": 1004, "name": "#1004", "country": "DE", "line_items": [{"sku": "CARD", "quantity": 5, "price": "3.00"}]},
    {"id": 1005, "name": "#1005", "country": "GB", "line_items": [{"sku": "MUG-BLUE", "quantity": 1, "price": "12.50"}]},
]}

ROUTED = """
id: orders-by-country
shapes:
  - id: each-order
    split: { path: orders }
  - id: by-country
    route:
      mode: first
      branches:
        - name: uk
          condition: country = "GB"
          shapes:
            - id: uk-safe
              try:
                shapes:
                  - id: uk-has-lines
                    assert: { condition: '$count(line_items) > 0', message: the order has no lines }
                  - id: uk-format
                    map: { fields: { order_number: id, reference: name, lines: line_items } }
                  - id: uk-send
                    http: { instance: uk-erp, direction: send, method: POST, path: /orders, body: json }
                catch:
                  - id: uk-report
                    map: { fields: { order: payload.name, failed_at: error.step, reason: error.message } }
      otherwise:
        - id: eu-format
          map: { fields: { order_number: id, reference: name, country: country } }
        - id: eu-send
          http: { instance: eu-erp, direction: send, method: POST, path: /orders, body: json }
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_route_and_try_catch_send_each_order_to_its_erp_and_park_the_bad_one(skein, tmp_path):
    uk, eu = make_erp(), make_erp()
    try:
        skein.run("instance", "add", "uk-erp", "--type", "http", "--address", f"http://127.0.0.1:{uk.server_port}")
        skein.run("instance", "add", "eu-erp", "--type", "http", "--address", f"http://127.0.0.1:{eu.server_port}")
        skein.run("flow", "deploy", write(tmp_path, "routed.yaml", ROUTED))
        result = skein.run("run", "orders-by-country", "--payload", write(tmp_path, "orders.json", json.dumps(ORDERS)), "--json", check=False)
        finished = json.loads(result.stdout.strip().splitlines()[-1])
        assert finished["status"] == "partial_success", result.stdout + result.stderr
        assert result.returncode == 1   # not a plain success: the CLI says so with its exit status
        assert sorted(uk.system.received) == ["1001", "1005"]
        assert sorted(eu.system.received) == ["1002", "1004"]

        run = skein.json("runs", "show", str(finished["run"]))
        paths = [step["path"] for step in run["steps"]]
        assert paths == ["each-order", "by-country", "by-country/uk/uk-safe/try/uk-has-lines", "by-country/uk/uk-safe/try/uk-format",
                         "by-country/uk/uk-safe/try/uk-send", "by-country/uk/uk-safe", "by-country/uk/uk-safe/catch/uk-report",
                         "by-country/otherwise/eu-format", "by-country/otherwise/eu-send"]
        route = run["steps"][1]["details"]
        assert route["children"] == [{"name": "uk", "payloads": [0, 2, 4]}, {"name": "otherwise", "payloads": [1, 3]}]
        report = json.loads(skein.run("payload", "show", str(finished["run"]), "uk-report").stdout)
        assert report == {"order": "#1003", "failed_at": "uk-has-lines", "reason": "assertion failed on payload 0: the order has no lines"}
        text = skein.run("runs", "show", str(finished["run"])).stdout
        assert "route by-country: uk ← payloads 0, 2, 4; otherwise ← payloads 1, 3" in text
        assert "1 payload failed and went to by-country/uk/uk-safe/catch" in text

        # A step inside a branch can be replayed: the stored uk-format output of #1005 goes to uk-send again.
        replay = skein.json("runs", "replay", str(finished["run"]), "uk-format", "--index", "1")
        assert replay["status"] == "success"
        assert uk.system.duplicates == 1
    finally:
        uk.shutdown()
        eu.shutdown()


def test_run_flow_calls_a_deployed_flow_per_order_and_links_the_runs(skein, tmp_path):
    erp = make_erp()
    try:
        skein.run("instance", "add", "erp", "--type", "http", "--address", f"http://127.0.0.1:{erp.server_port}")
        skein.run("flow", "deploy", write(tmp_path, "child.yaml", """
id: send-one-order
shapes:
  - id: to-erp-format
    map: { fields: { order_number: id, total: '$sum(line_items.(quantity * $number(price)))' } }
  - id: post
    http: { instance: erp, direction: send, method: POST, path: /orders, body: json }
"""))
        skein.run("flow", "deploy", write(tmp_path, "parent.yaml", """
id: orders-fan-out
shapes:
  - id: each-order
    split: { path: orders }
  - id: with-lines
    filter: { condition: '$count(line_items) > 0' }
  - id: send-each
    run_flow: { flow: send-one-order, wait: true, timeout: 60s }
"""))
        finished = skein.json("run", "orders-fan-out", "--payload", write(tmp_path, "orders.json", json.dumps(ORDERS)))
        assert finished["status"] == "success"
        assert sorted(erp.system.received) == ["1001", "1002", "1004", "1005"]
        parent = skein.json("runs", "show", str(finished["run"]))
        children = parent["follow_up_runs"]
        assert [c["trigger"] for c in children] == ["flow"] * 4
        assert all(c["flow"] == "send-one-order" and c["status"] == "success" for c in children)
        child = skein.json("runs", "show", str(children[0]["id"]))
        assert child["origin_run"] == finished["run"]
        # The ERP's answers (the children's final payloads) are the step's output.
        answers = json.loads(skein.run("payload", "show", str(finished["run"]), "send-each", "--index", "0").stdout)
        assert answers["erp_id"] == "ERP-1001"
    finally:
        erp.shutdown()


def start_serve(skein, *args):
    process = skein.serve(*args)
    base = f"http://127.0.0.1:{skein.listening_port(process)}"

    def healthy():
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                return response.status == 200
        except OSError:
            assert process.poll() is None, "skein serve exited"
            return False

    wait_for(healthy, timeout=30, what="skein serve to answer /health")
    return base, process


def test_a_callback_webhook_answers_with_the_flows_result(skein, tmp_path):
    skein.run("flow", "deploy", write(tmp_path, "quote.yaml", f"""
id: stock-quote
trigger: {{ webhook: {{ token: {TOKEN}, respond: {{ step: quote, timeout: 30s }} }} }}
shapes:
  - id: each-level
    split: {{ path: levels }}
  - id: quote
    map: {{ fields: {{ sku: sku, available: on_hand > 0, reorder: on_hand < 5 }} }}
  - id: after
    map: {{ fields: {{ done: {{ value: true }} }} }}
"""))
    base, process = start_serve(skein)
    try:
        body = json.dumps({"levels": [{"sku": "MUG-RED", "on_hand": 3}, {"sku": "LAMP", "on_hand": 0}]}).encode()
        request = urllib.request.Request(f"{base}/webhooks/stock-quote/{TOKEN}", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            run_id = response.headers["X-Skein-Run"]
            assert json.loads(response.read()) == [{"sku": "MUG-RED", "available": True, "reorder": True},
                                                   {"sku": "LAMP", "available": False, "reorder": True}]
        run = skein.json("runs", "show", run_id)
        assert run["status"] == "success" and run["trigger"] == "webhook"
        stored = json.loads(skein.run("payload", "show", run_id, "input").stdout)
        assert stored == json.loads(body)
    finally:
        process.terminate()
        process.wait(timeout=30)


KILLED = """
id: stock-by-site
shapes:
  - id: each-order
    split: { path: orders }
  - id: by-site
    route:
      branches:
        - name: eu
          condition: country != "GB"
          shapes:
            - id: eu-format
              map: { fields: { order_number: id } }
        - name: uk
          condition: country = "GB"
          shapes:
            - id: uk-format
              map: { fields: { order_number: id } }
            - id: uk-send
              http: { instance: erp, direction: send, method: POST, path: /orders, body: json }
              retry: { attempts: 3, backoff: 200ms }
"""


def test_kill_9_while_a_route_branch_sends_then_the_resumed_run_finishes_it(skein, tmp_path):
    erp = make_erp(delay=0.2)
    try:
        skein.run("instance", "add", "erp", "--type", "http", "--address", f"http://127.0.0.1:{erp.server_port}")
        skein.run("flow", "deploy", write(tmp_path, "killed.yaml", KILLED))
        orders = {"orders": [{"id": 2000 + i, "country": "GB" if i % 3 else "FR"} for i in range(30)]}
        uk_ids = sorted(str(o["id"]) for o in orders["orders"] if o["country"] == "GB")
        run_id = str(skein.json("run", "stock-by-site", "--queue", "--payload", write(tmp_path, "orders.json", json.dumps(orders)))["run"])
        server = skein.serve("--lease", "2", "--port", "0")
        wait_for(lambda: erp.system.requests >= 3, timeout=90, what="the ERP to receive orders")
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        before = skein.json("runs", "show", run_id)
        assert before["status"] == "started"
        assert before["steps"][-1]["path"] == "by-site/uk/uk-send" and before["steps"][-1]["status"] == "running"
        assert len(erp.system.received) < len(uk_ids)

        restarted = skein.serve("--lease", "2", "--port", "0")
        try:
            run = wait_for(lambda: (lambda r: r if r["status"] not in ("queued", "started") else None)(skein.json("runs", "show", run_id)),
                           timeout=120, what="the resumed run to finish")
        finally:
            restarted.terminate()
            restarted.wait(timeout=30)
        assert run["status"] == "success", run
        assert run["pickups"] == 2
        assert [s["path"] for s in run["steps"]] == ["each-order", "by-site", "by-site/eu/eu-format", "by-site/uk/uk-format", "by-site/uk/uk-send"]
        assert any("resumed" in w for w in run["steps"][-1]["warnings"])
        assert not any("resumed" in w for s in run["steps"][:-1] for w in s["warnings"])
        assert sorted(erp.system.received) == uk_ids      # every UK order arrived, each stored once by the ERP
    finally:
        erp.shutdown()
