"""A database connector flow end to end through the real binary: rows selected with a bound
parameter from a SQLite file (and from a real PostgreSQL 15 server), split into one payload per order, posted to the real demo ERP,
and the ERP's ids written back with an upsert; `skein runs show` shows each step, its calls and payloads."""
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile

import pytest

from conftest import start_on_a_free_port

FLOW = """
id: db-orders-to-erp
trigger: api
shapes:
  - id: changed-orders
    database:
      instance: orders-db
      query: "SELECT id AS order_number, customer, total, paid FROM orders WHERE updated_at > $1 AND customer <> $2 ORDER BY id"
      parameters: ["since", "'nobody'"]
  - id: each-order
    split: {}
  - id: post-to-erp
    http: { instance: erp, direction: send, method: POST, path: /orders }
  - id: mark-sent
    database:
      instance: orders-db
      insert: { table: sent, rows: "{ 'order_number': order_number, 'erp_id': erp_id }", upsert_on: [order_number] }
"""


def make_database(path):
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL, paid BOOLEAN, updated_at TEXT);
        CREATE TABLE sent (order_number INTEGER PRIMARY KEY, erp_id TEXT);
        INSERT INTO orders VALUES (1, 'ada', 12.5, 1, '2026-11-01T00:00:00Z'),
                                  (2, 'brian''s shop', 99.99, 0, '2026-11-22T10:00:00Z'),
                                  (3, 'cy', 3, 1, '2026-11-23T08:00:00Z');
    """)
    db.commit()
    db.close()


def test_database_rows_are_split_and_posted_to_the_erp(skein, erp, tmp_path):
    database = tmp_path / "orders.sqlite"
    make_database(database)
    skein.run("instance", "add", "orders-db", "--type", "database", "--address", f"sqlite://{database}")
    skein.run("instance", "add", "erp", "--type", "http", "--address", f"http://127.0.0.1:{erp.server_port}")
    flow = tmp_path / "db-orders.yaml"
    flow.write_text(FLOW)
    assert ": ok (flow 'db-orders-to-erp', 4 shapes" in skein.run("flow", "validate", str(flow)).stdout
    skein.run("flow", "deploy", str(flow))
    start = tmp_path / "since.json"
    start.write_text(json.dumps({"since": "2026-11-20T00:00:00Z"}))

    result = skein.run("run", "db-orders-to-erp", "--payload", str(start))
    assert "run 1: success" in result.stdout, result.stdout

    assert erp.system.received == {
        "2": {"order_number": 2, "customer": "brian's shop", "total": 99.99, "paid": False},
        "3": {"order_number": 3, "customer": "cy", "total": 3, "paid": True},
    }
    sent = sqlite3.connect(database).execute("SELECT order_number, erp_id FROM sent ORDER BY 1").fetchall()
    assert sent == [(2, "ERP-2"), (3, "ERP-3")]  # the ERP's answers, written back

    run = skein.json("runs", "show", "1")
    steps = {s["shape"]: s for s in run["steps"]}
    assert [s["shape"] for s in run["steps"]] == ["changed-orders", "each-order", "post-to-erp", "mark-sent"]
    assert steps["changed-orders"]["payloads_out"] == 1
    assert steps["changed-orders"]["calls"][0]["operation"] == "query"
    assert steps["changed-orders"]["calls"][0]["rows"] == 2
    assert steps["each-order"]["payloads_out"] == 2
    assert steps["mark-sent"]["calls"][0]["operation"] == "upsert"
    rows = json.loads(skein.run("payload", "show", "1", "changed-orders", "--index", "0").stdout)
    assert [r["order_number"] for r in rows] == [2, 3]
    text = skein.run("runs", "show", "1").stdout
    assert "changed-orders" in text and "mark-sent" in text


def test_a_missing_table_fails_the_run_with_the_database_message(skein, tmp_path):
    database = tmp_path / "empty.sqlite"
    sqlite3.connect(database).close()
    skein.run("instance", "add", "orders-db", "--type", "database", "--address", f"sqlite://{database}")
    flow = tmp_path / "broken.yaml"
    flow.write_text("id: broken\ntrigger: api\nshapes:\n  - id: q\n    database: { instance: orders-db, query: 'SELECT * FROM nope' }\n")
    skein.run("flow", "deploy", str(flow))
    result = skein.run("run", "broken", check=False)
    assert result.returncode != 0
    shown = skein.run("runs", "show", "1").stdout
    assert "instance 'orders-db'" in shown and "no such table: nope" in shown


PG_BIN = "/usr/lib/postgresql/15/bin"


@pytest.fixture
def postgres(tmp_path):
    """A PostgreSQL 15 cluster started for the test (initdb as the postgres user, scram logins over TCP)."""
    if not os.path.exists(f"{PG_BIN}/initdb"):
        pytest.fail(f"{PG_BIN}/initdb is missing: install postgresql-15 (scripts/test.sh does)")
    base = tempfile.mkdtemp(prefix="skein-e2e-pg-")
    password = "pg-" + os.urandom(8).hex()
    with open(f"{base}/pwfile", "w") as f:
        f.write(password)
    subprocess.run(["chown", "-R", "postgres:postgres", base], check=True)
    as_pg = ["runuser", "-u", "postgres", "--"]
    subprocess.run(as_pg + [f"{PG_BIN}/initdb", "-D", f"{base}/data", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
                            "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={base}/pwfile"],
                   check=True, capture_output=True)

    def start(port):
        log = open(f"{base}/postgres.log", "w")
        return subprocess.Popen(as_pg + [f"{PG_BIN}/postgres", "-D", f"{base}/data", "-p", str(port), "-k", base,
                                         "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"], stdout=log, stderr=subprocess.STDOUT)

    port, server = start_on_a_free_port(start, f"{base}/postgres.log", lambda text: "ready to accept connections" in text, "postgres")

    def psql(sql, database="skein"):
        return subprocess.run(as_pg + [f"{PG_BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", base, "-p", str(port),
                                       "-U", "postgres", "-d", database, "-c", sql], check=True, capture_output=True, text=True).stdout

    psql("CREATE DATABASE skein", database="postgres")
    yield {"port": port, "password": password, "psql": psql}
    subprocess.run(as_pg + [f"{PG_BIN}/pg_ctl", "-D", f"{base}/data", "-m", "fast", "-w", "stop"], capture_output=True)
    server.wait(timeout=30)
    shutil.rmtree(base, ignore_errors=True)


def test_postgres_rows_are_split_and_posted_to_the_erp(skein, erp, postgres, tmp_path, monkeypatch):
    postgres["psql"]("""
        CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), paid boolean,
                             updated_at timestamptz NOT NULL, lines jsonb);
        CREATE TABLE sent (order_number integer PRIMARY KEY, erp_id text NOT NULL, sent_at timestamptz DEFAULT now());
        INSERT INTO orders VALUES (1, 'ada', 12.50, true, '2026-11-01 00:00+00', NULL),
                                  (2, 'brian', 99.99, false, '2026-11-22 10:00:00.5+00', '[{"sku": "A-1"}]');
    """)
    monkeypatch.setenv("E2E_PG_PASSWORD", postgres["password"])
    skein.run("instance", "add", "orders-db", "--type", "database", "--address", f"postgres://postgres@127.0.0.1:{postgres['port']}/skein",
              "--credential-env", "password=E2E_PG_PASSWORD", "--timeout", "10s")
    skein.run("instance", "add", "erp", "--type", "http", "--address", f"http://127.0.0.1:{erp.server_port}")
    flow = tmp_path / "pg-orders.yaml"
    flow.write_text(FLOW.replace("id: db-orders-to-erp", "id: pg-orders-to-erp").replace(
        "SELECT id AS order_number, customer, total, paid FROM orders",
        "SELECT id AS order_number, customer, total, paid, updated_at, lines FROM orders"))
    skein.run("flow", "deploy", str(flow))
    start = tmp_path / "since.json"
    start.write_text(json.dumps({"since": "2026-11-20T00:00:00Z"}))

    result = skein.run("run", "pg-orders-to-erp", "--payload", str(start))
    assert "run 1: success" in result.stdout, result.stdout
    assert erp.system.received == {"2": {"order_number": 2, "customer": "brian", "total": 99.99, "paid": False,
                                         "updated_at": "2026-11-22T10:00:00.5Z", "lines": [{"sku": "A-1"}]}}
    assert postgres["psql"]("SELECT order_number, erp_id FROM sent").strip() == "2|ERP-2"
    run = skein.json("runs", "show", "1")
    assert [s["payloads_out"] for s in run["steps"]] == [1, 1, 1, 1]
    shown = skein.run("runs", "show", "1").stdout + skein.run("instance", "list").stdout
    assert postgres["password"] not in shown
