"""Fixtures for Skein's end-to-end tests: the real `skein` binary, a fresh data directory,
and real HTTP systems on 127.0.0.1 (see examples/demo/demo_systems.py)."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "demo"))
import demo_systems  # noqa: E402

DEMO_FLOW = ROOT / "examples" / "demo" / "orders-to-erp.yaml"


def demo_flow_text(sync=False):
    """The demo flow's text; without `sync` its ERP step's `sync:` block (and comment) are left
    out, for tests of plain step failures or that add a `sync:` block of their own."""
    text = DEMO_FLOW.read_text()
    if sync:
        return text
    kept = [line for line in text.splitlines(keepends=True)
            if not line.strip().startswith("sync:") and "sync report" not in line]
    assert len(kept) == len(text.splitlines()) - 2, "the demo flow's sync block moved: update demo_flow_text"
    return "".join(kept)


def skein_binary():
    explicit = os.environ.get("SKEIN_BIN")
    if explicit:
        return explicit
    path = ROOT / ".build" / "debug" / "skein"
    if not path.exists():
        pytest.fail(f"{path} is missing: build first (scripts/test.sh does)")
    return str(path)


class Skein:
    """Runs `skein` commands against one data directory."""

    def __init__(self, data_dir):
        self.binary = skein_binary()
        self.data_dir = str(data_dir)

    def run(self, *args, check=True, input=None, timeout=120):
        result = subprocess.run([self.binary, *args, "--data-dir", self.data_dir], capture_output=True, text=True,
                                input=input, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"skein {' '.join(args)} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        return result

    def json(self, *args, check=True):
        return json.loads(self.run(*args, "--json", check=check).stdout)

    def serve(self, *args):
        """Starts `skein serve`; its HTTP server takes a free port unless the test names one."""
        log = open(Path(self.data_dir) / f"serve-{time.time_ns()}.log", "w")
        port = [] if "--port" in args else ["--port", "0"]
        return subprocess.Popen([self.binary, "serve", "--data-dir", self.data_dir, *port, *args], stdout=log, stderr=subprocess.STDOUT)

    def add_user(self, name, role="viewer", password=None):
        """Adds a web user with `skein user add` (password on stdin); returns the password."""
        password = password or f"{name}-password-123"
        self.run("user", "add", name, "--role", role, input=password + "\n")
        return password

    def create_token(self, user, role=None, name="e2e"):
        """An API token for `user` from `skein token create --json`."""
        args = ["token", "create", name, "--user", user] + (["--role", role] if role else [])
        return self.json(*args)["token"]

    def serve_api(self, *args):
        """Starts `skein serve` on a free port and waits until /health answers; returns (process, base URL)."""
        import socket
        import urllib.request
        Path(self.data_dir).mkdir(parents=True, exist_ok=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = self.serve("--port", str(port), *args)
        base = f"http://127.0.0.1:{port}"

        def healthy():
            if process.poll() is not None:
                raise AssertionError(f"skein serve exited with {process.returncode}")
            try:
                with urllib.request.urlopen(base + "/health", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False
        wait_for(healthy, timeout=60, what="skein serve to answer /health")
        return process, base

    def add_demo_instances(self, shop, erp, **secrets):
        self.run("instance", "add", "shop", "--type", "http", "--address", f"http://127.0.0.1:{shop.server_port}")
        self.run("instance", "add", "erp", "--type", "http", "--address", f"http://127.0.0.1:{erp.server_port}")


@pytest.fixture
def skein(tmp_path):
    return Skein(tmp_path / "data")


@pytest.fixture
def shop():
    system = demo_systems.Shop(orders=25, page_size=10)
    server = demo_systems.serve(system.handler())
    server.system = system
    yield server
    server.shutdown()


def make_erp(delay=0.0, fail_first=0):
    system = demo_systems.ERP(delay=delay, fail_first=fail_first)
    server = demo_systems.serve(system.handler())
    server.system = system
    return server


@pytest.fixture
def erp():
    server = make_erp()
    yield server
    server.shutdown()


def wait_for(predicate, timeout=60, interval=0.2, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def postgres_url():
    """A PostgreSQL database of its own on the test server (scripts/test.sh starts it), dropped afterwards."""
    import uuid
    server = os.environ.get("SKEIN_TEST_POSTGRES_URL")
    if not server:
        pytest.fail("SKEIN_TEST_POSTGRES_URL is not set: run scripts/test.sh, which starts a throwaway PostgreSQL cluster")
    psql = "/usr/lib/postgresql/15/bin/psql"
    name = "skein_e2e_" + uuid.uuid4().hex[:12]

    def run(sql):
        result = subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", server, "-c", sql], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr

    run(f"CREATE DATABASE {name}")
    yield server.rpartition("/")[0] + "/" + name
    run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
