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

    def __init__(self, data_dir, env=None):
        self.binary = skein_binary()
        self.data_dir = str(data_dir)
        # The environment of every command (None: this process's); SKEIN_DATABASE here points
        # the commands at PostgreSQL.
        self.env = env

    def run(self, *args, check=True, input=None, timeout=120):
        result = subprocess.run([self.binary, *args, "--data-dir", self.data_dir], capture_output=True, text=True,
                                input=input, timeout=timeout, env=self.env)
        if check and result.returncode != 0:
            raise AssertionError(f"skein {' '.join(args)} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        return result

    def json(self, *args, check=True):
        return json.loads(self.run(*args, "--json", check=check).stdout)

    def serve(self, *args):
        """Starts `skein serve`; its HTTP server binds port 0 (the kernel picks a free port) unless
        the test names one. The process's log is at `process.log_path`; `listening_port` reads the port."""
        path = Path(self.data_dir) / f"serve-{time.time_ns()}.log"
        log = open(path, "w")
        port = [] if "--port" in args else ["--port", "0"]
        process = subprocess.Popen([self.binary, "serve", "--data-dir", self.data_dir, *port, *args], stdout=log, stderr=subprocess.STDOUT,
                                   env=self.env)
        process.log_path = path
        return process

    @staticmethod
    def listening_port(process, timeout=60):
        """The port a `skein serve` started by `serve()` listens on, from its log line
        `listening on http://HOST:PORT` (printed once the socket is bound)."""
        import re

        def bound():
            match = re.search(r"listening on http://[^:\s]+:(\d+)", Path(process.log_path).read_text())
            if match:
                return int(match.group(1))
            if process.poll() is not None:
                raise AssertionError(f"skein serve exited with {process.returncode}:\n{Path(process.log_path).read_text()}")
            return None
        return wait_for(bound, timeout=timeout, interval=0.05, what="skein serve to listen")

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
        """Starts `skein serve` on port 0 and waits until /health answers; returns (process, base URL)."""
        import urllib.request
        Path(self.data_dir).mkdir(parents=True, exist_ok=True)
        process = self.serve(*args)
        base = f"http://127.0.0.1:{self.listening_port(process)}"

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


def make_erp(delay=0.0, fail_first=0, retry_after=None):
    system = demo_systems.ERP(delay=delay, fail_first=fail_first, retry_after=retry_after)
    server = demo_systems.serve(system.handler())
    server.system = system
    return server


@pytest.fixture
def erp():
    server = make_erp()
    yield server
    server.shutdown()


def smtp_controller(handler, **options):
    """aiosmtpd's Controller on 127.0.0.1 port 0 (the kernel picks a free port; `controller.port`
    is read back from the bound socket). Not started; `options` go to Controller (authenticator,
    tls_context, ssl_context, ...). The ready timeout only catches a hang: the default 5 s can
    pass on a loaded machine before the server thread runs."""
    from aiosmtpd.controller import Controller

    class PortZeroController(Controller):
        def _trigger_server(self):
            self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()

    return PortZeroController(handler, hostname="127.0.0.1", port=0, ready_timeout=60, **options)


def start_on_a_free_port(start, log_path, ready, what, attempts=20, timeout=60):
    """Starts a server that must be told its port and cannot report one it picked itself (sshd,
    postgres). `start(port)` launches it with its output in `log_path` (truncated per attempt) and
    returns the process; `ready(log_text)` says it is listening. A port found free can be taken by
    anyone before the server binds it, so when the log says "Address already in use" the server is
    started again on another port. Returns (port, process). The timeout only catches a hang."""
    import socket
    taken = []
    for _ in range(attempts):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = start(port)
        deadline = time.monotonic() + timeout
        while True:
            text = Path(log_path).read_text() if Path(log_path).exists() else ""
            if ready(text):
                return port, process
            if process.poll() is not None:
                if "Address already in use" in text:
                    taken.append(port)
                    break
                raise AssertionError(f"{what} exited with {process.returncode} while starting:\n{text}")
            if time.monotonic() > deadline:
                process.kill()
                raise AssertionError(f"{what} did not start within {timeout}s:\n{text}")
            time.sleep(0.05)
    raise AssertionError(f"{what}: no free port after {attempts} attempts (taken meanwhile: {taken})")


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
