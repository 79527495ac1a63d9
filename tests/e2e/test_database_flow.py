"""A database connector flow end to end through the real binary: rows selected with a bound
parameter from a SQLite file, split into one payload per order, posted to the real demo ERP,
and the ERP's ids written back with an upsert; `skein runs show` shows each step, its calls and payloads."""
import json
import sqlite3

from conftest import ROOT

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
