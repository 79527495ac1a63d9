"""The monitoring examples work as shipped: a real Prometheus (Debian's package) runs
examples/monitoring/prometheus.yml and its alert rules against a real `skein serve`, scrapes
its metrics, and answers every query of the example Grafana dashboard; promtool lints the
exposition Skein serves."""
import json
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, wait_for
from telemetry_support import scrape
from test_metrics import free_port

EXAMPLES = ROOT / "examples" / "monitoring"


def prometheus_binary(name):
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} is missing: install Debian's prometheus package (scripts/test.sh does)")
    return path


def dashboard_queries():
    """Every PromQL expression of the dashboard, with Grafana's variables replaced by what they stand for."""
    dashboard = json.loads((EXAMPLES / "grafana-dashboard.json").read_text())
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    variables = {"$flow": ".*", "$job": ".*", "$__rate_interval": "1m"}
    for name, value in variables.items():
        expressions = [expr.replace(name, value) for expr in expressions]
    return expressions


def query(base, expr):
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())


def test_prometheus_scrapes_skein_with_the_example_config_and_answers_the_dashboard(skein, tmp_path):
    prometheus = prometheus_binary("prometheus")
    promtool = prometheus_binary("promtool")
    flow = tmp_path / "splitter.yaml"
    flow.write_text("id: splitter\nshapes:\n  - id: each\n    split: { path: items }\n")
    skein.run("flow", "deploy", str(flow))
    metrics_port = free_port()
    process, _ = skein.serve_api("--metrics-port", str(metrics_port))
    server = None
    try:
        payload = tmp_path / "items.json"
        payload.write_text(json.dumps({"items": [1, 2]}))
        run_id = str(skein.json("run", "splitter", "--queue", "--payload", str(payload))["run"])
        wait_for(lambda: skein.json("runs", "show", run_id)["status"] == "success", timeout=60, what="the run to finish")

        status, text = scrape(f"http://127.0.0.1:{metrics_port}/metrics")
        assert status == 200
        lint = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
        assert lint.returncode == 0, lint.stdout + lint.stderr

        # The shipped configuration, pointed at this test's port and scraping every second.
        config = (EXAMPLES / "prometheus.yml").read_text().replace("127.0.0.1:9464", f"127.0.0.1:{metrics_port}")
        config = config.replace("scrape_interval: 15s", "scrape_interval: 1s")
        (tmp_path / "prometheus.yml").write_text(config)
        shutil.copy(EXAMPLES / "skein-alerts.yml", tmp_path / "skein-alerts.yml")
        checked = subprocess.run([promtool, "check", "config", str(tmp_path / "prometheus.yml")], capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        web_port = free_port()
        log = open(tmp_path / "prometheus.log", "w")
        server = subprocess.Popen([prometheus, f"--config.file={tmp_path / 'prometheus.yml'}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                                   f"--web.listen-address=127.0.0.1:{web_port}"], stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{web_port}"

        def finished():
            try:
                answer = query(base, 'skein_runs_finished_total{flow="splitter",status="success"}')
            except OSError:
                assert server.poll() is None, (tmp_path / "prometheus.log").read_text()
                return None
            return answer["data"]["result"] if answer.get("status") == "success" else None
        result = wait_for(finished, timeout=60, what="Prometheus to scrape skein serve")
        assert result[0]["metric"]["job"] == "skein" and result[0]["metric"]["role"] == "all"
        assert result[0]["value"][1] == "1"

        # Every dashboard query is valid PromQL over what Skein serves.
        for expr in dashboard_queries():
            answer = query(base, expr)
            assert answer["status"] == "success", (expr, answer)
        # The alert rules loaded.
        with urllib.request.urlopen(f"{base}/api/v1/rules", timeout=10) as response:
            groups = json.loads(response.read())["data"]["groups"]
        assert {rule["name"] for group in groups for rule in group["rules"]} == {
            "SkeinRunsFailing", "SkeinQueueBehind", "SkeinStoreUnreachable", "SkeinSystemErrors", "SkeinWorkersRestarting"}
        assert all(rule["health"] != "err" for group in groups for rule in group["rules"])
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        process.terminate()
        process.wait(timeout=30)


def test_the_examples_name_only_metrics_and_labels_skein_emits():
    documented = {}
    for line in (ROOT / "docs" / "operations.md").read_text().splitlines():
        if line.startswith("| `skein_"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            labels = set(re.findall(r"`(\w+)`", cells[2]))
            documented[cells[0].strip("`")] = labels | ({"le"} if cells[1] == "histogram" else set())
    text = (EXAMPLES / "grafana-dashboard.json").read_text() + (EXAMPLES / "skein-alerts.yml").read_text()
    for name in set(re.findall(r"skein_[a-z_]+", text)):
        base = re.sub(r"_(bucket|count|sum)$", "", name)
        assert base in documented, f"{name} is not a Skein metric"
    for expr in dashboard_queries() + re.findall(r"expr: (.*)", (EXAMPLES / "skein-alerts.yml").read_text()):
        for metric, selector in re.findall(r"(skein_[a-z_]+)\{([^}]*)\}", expr):
            base = re.sub(r"_(bucket|count|sum)$", "", metric)
            for label in re.findall(r"(\w+)\s*[=!~]", selector):
                assert label in documented[base] | {"job"}, f"{metric} has no label {label} ({expr})"
