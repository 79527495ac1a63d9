"""An SFTP connector flow end to end through the real binary and a real OpenSSH sshd on
127.0.0.1: CSV files received from /outbound (then moved to /archive) are sent on, byte for
byte, as files named from a template into /inbound; `skein runs show` shows every SFTP
operation and `skein payload download` gives back the exact bytes."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import start_on_a_free_port, wait_for

SSHD = "/usr/sbin/sshd"


@pytest.fixture
def sshd(tmp_path):
    """sshd logging root in with an ed25519 key only; a pinned host key; files under tmp_path/files."""
    if not os.path.exists(SSHD):
        pytest.fail(f"{SSHD} is missing: install openssh-server (scripts/test.sh does)")
    if os.getuid() != 0:
        pytest.fail("the SFTP end-to-end test runs sshd and logs in as root; run it as root")
    keys = tmp_path / "keys"
    keys.mkdir()
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "skein-e2e", "-f", str(keys / name)], check=True)
    shutil.copy(keys / "client.pub", keys / "authorized_keys")
    config = keys / "sshd_config"
    os.makedirs("/run/sshd", exist_ok=True)

    def start(port):
        config.write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {keys}/host
PidFile {keys}/sshd.pid
AuthorizedKeysFile {keys}/authorized_keys
PasswordAuthentication no
PubkeyAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
AllowUsers root
Subsystem sftp internal-sftp
""")
        log = open(keys / "sshd.log", "w")
        return subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)

    # sshd cannot bind port 0 and report its port: a free port, and another if it is taken meanwhile.
    port, process = start_on_a_free_port(start, keys / "sshd.log", lambda text: "Server listening" in text, "sshd")
    files = tmp_path / "files"
    for directory in ("outbound", "archive", "inbound"):
        (files / directory).mkdir(parents=True)
    yield {"port": port, "host_key": (keys / "host.pub").read_text().strip(),
           "private_key": (keys / "client").read_text(), "files": files}
    process.terminate()
    process.wait(timeout=10)


def test_csv_files_move_from_outbound_to_inbound_byte_for_byte(skein, sshd, tmp_path, monkeypatch):
    files = sshd["files"]
    stock = {"stock-a.csv": b"sku,qty\r\nA-1,5\r\nB-2,0\r\n", "stock-b.csv": "sku;qty\nÄ-3;7\n".encode("utf-8") + b"\xff"}
    for name, data in stock.items():
        (files / "outbound" / name).write_bytes(data)
    (files / "outbound" / "notes.txt").write_text("not a csv")

    monkeypatch.setenv("E2E_SFTP_KEY", sshd["private_key"])
    skein.run("instance", "add", "warehouse", "--type", "sftp", "--address", f"127.0.0.1:{sshd['port']}",
              "--setting", "username=root", "--setting", f"host_key={sshd['host_key']}",
              "--credential-env", "private_key=E2E_SFTP_KEY", "--timeout", "20s")
    flow = tmp_path / "stock-files.yaml"
    flow.write_text(f"""
id: stock-files
trigger: api
shapes:
  - id: fetch-stock
    sftp: {{ instance: warehouse, direction: receive, path: {files}/outbound, pattern: "*.csv",
            after: move, move_to: {files}/archive }}
  - id: drop-stock
    sftp: {{ instance: warehouse, direction: send, path: {files}/inbound, filename: "stock-{{{{run_id}}}}-{{{{index}}}}.csv" }}
""")
    skein.run("flow", "deploy", str(flow))
    result = skein.run("run", "stock-files")
    assert "run 1: success" in result.stdout, result.stdout

    assert sorted(os.listdir(files / "outbound")) == ["notes.txt"]
    assert sorted(os.listdir(files / "archive")) == ["stock-a.csv", "stock-b.csv"]
    assert (files / "inbound" / "stock-1-1.csv").read_bytes() == stock["stock-a.csv"]
    assert (files / "inbound" / "stock-1-2.csv").read_bytes() == stock["stock-b.csv"]

    run = skein.json("runs", "show", "1")
    steps = {s["shape"]: s for s in run["steps"]}
    assert steps["fetch-stock"]["payloads_out"] == 2
    operations = [(c["operation"], c.get("file")) for c in steps["fetch-stock"]["calls"]]
    assert operations == [("list", None), ("read", "stock-a.csv"), ("read", "stock-b.csv"),
                          ("move", "stock-a.csv"), ("move", "stock-b.csv")]
    assert [c["bytes"] for c in steps["drop-stock"]["calls"]] == [len(stock["stock-a.csv"]), len(stock["stock-b.csv"])]
    downloaded = tmp_path / "b.csv"
    skein.run("payload", "download", "1", "fetch-stock", "--index", "1", "-o", str(downloaded))
    assert downloaded.read_bytes() == stock["stock-b.csv"]
    shown = skein.run("runs", "show", "1").stdout
    assert "fetch-stock" in shown and "drop-stock" in shown
    assert "OPENSSH PRIVATE KEY" not in shown + skein.run("instance", "list").stdout


def test_a_wrong_host_key_fails_the_run_naming_the_instance(skein, sshd, tmp_path, monkeypatch):
    monkeypatch.setenv("E2E_SFTP_KEY", sshd["private_key"])
    skein.run("instance", "add", "warehouse", "--type", "sftp", "--address", f"127.0.0.1:{sshd['port']}",
              "--setting", "username=root", "--setting", "fingerprint=SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
              "--credential-env", "private_key=E2E_SFTP_KEY")
    flow = tmp_path / "f.yaml"
    flow.write_text(f"id: f\ntrigger: api\nshapes:\n  - id: get\n    sftp: {{ instance: warehouse, direction: receive, path: {sshd['files']} }}\n")
    skein.run("flow", "deploy", str(flow))
    assert skein.run("run", "f", check=False).returncode != 0
    shown = skein.run("runs", "show", "1").stdout
    assert "instance 'warehouse'" in shown and "host_key or fingerprint" in shown


def test_orders_written_over_sftp_are_sent_then_ok_once_the_acknowledgement_file_appears(skein, sshd, tmp_path, monkeypatch):
    """Issue 5: an SFTP flow shows Sent, then OK after the confirmation (an acknowledgement file)."""
    files = sshd["files"]
    (files / "acks").mkdir()
    monkeypatch.setenv("E2E_SFTP_KEY", sshd["private_key"])
    monkeypatch.setenv("SKEIN_SYNC_CONFIRM_INTERVAL", "200ms")
    skein.run("instance", "add", "warehouse", "--type", "sftp", "--address", f"127.0.0.1:{sshd['port']}",
              "--setting", "username=root", "--setting", f"host_key={sshd['host_key']}",
              "--credential-env", "private_key=E2E_SFTP_KEY", "--timeout", "20s")
    flow = tmp_path / "orders-to-warehouse.yaml"
    flow.write_text(f"""
id: orders-to-warehouse
trigger: api
shapes:
  - id: one-per-order
    split: {{}}
  - id: drop-order
    sftp:
      instance: warehouse
      direction: send
      path: {files}/inbound
      filename: "order-{{{{payload.order_number}}}}.json"
      sync: {{ system: Warehouse, reference: "reference", source_id: "order_number" }}
      ack: {{ path: {files}/acks, name: "{{{{name}}}}.ack", after: delete }}
""")
    skein.run("flow", "deploy", str(flow))
    orders = [{"order_number": n, "reference": f"#{n}", "total": "9.90"} for n in (1001, 1002, 1003)]
    payload = tmp_path / "orders.json"
    payload.write_text(json.dumps(orders))
    result = skein.run("run", "orders-to-warehouse", "--payload", str(payload))
    assert "run 1: success" in result.stdout, result.stdout
    assert sorted(os.listdir(files / "inbound")) == ["order-1001.json", "order-1002.json", "order-1003.json"]

    report = skein.json("sync", "list", "--all")
    assert report["counts"] == {"ok": 0, "sent": 3, "pending": 0, "failed": 0, "skipped": 0}
    entries = {e["reference"]: e for e in report["entries"]}
    assert set(entries) == {"#1001", "#1002", "#1003"}
    assert entries["#1002"]["endpoint_id"] == "order-1002.json" and entries["#1002"]["system"] == "Warehouse"
    assert entries["#1002"]["source_id"] == "1002"

    # Nothing acknowledged yet: a pass confirms nothing and everything stays Sent.
    assert skein.json("sync", "confirm", "--acks") == {"confirmed": 0}

    # The warehouse acknowledges two files while `skein serve` is running: they become OK.
    server = skein.serve()
    try:
        (files / "acks" / "order-1001.json.ack").write_text("received")
        (files / "acks" / "order-1003.json.ack").write_text("received")
        wait_for(lambda: skein.json("sync", "list", "--all")["counts"]["ok"] == 2, timeout=60, what="two entries OK")
    finally:
        server.terminate()
        server.wait(timeout=30)

    report = skein.json("sync", "list", "--all")
    assert report["counts"] == {"ok": 2, "sent": 1, "pending": 0, "failed": 0, "skipped": 0}
    statuses = {e["reference"]: e["status"] for e in report["entries"]}
    assert statuses == {"#1001": "ok", "#1002": "sent", "#1003": "ok"}
    assert os.listdir(files / "acks") == []  # after: delete, once recorded

    shown = skein.json("sync", "show", str(entries["#1003"]["sync_id"]))
    history = [(h["from"], h["to"]) for h in shown["history"]]
    assert history == [(None, "sent"), ("sent", "ok")]
    assert shown["history"][-1]["reason"] == f"acknowledgement file {files}/acks/order-1003.json.ack"
    assert shown["payload"] == orders[2]
