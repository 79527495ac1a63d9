"""End-to-end tests of cross-reference lookups through the real `skein` binary: tables managed
with `skein lookup` (CSV import and export), and `$lookup` in a flow's map — a mapped code, an
unmatched code with the table's default, and an unmatched code without one (docs/lookups.md)."""
import json


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


SHIP_FLOW = """
id: ship-orders
shapes:
  - id: each-order
    split: { path: orders }
  - id: to-wms
    map:
      fields:
        order: name
        carrier: '$lookup("shipping-codes", shipping_method)'
"""

ORDERS = {"orders": [{"name": "#1001", "shipping_method": "express"}, {"name": "#1002", "shipping_method": "drone"}]}


def payloads(skein, run, step, count):
    return [json.loads(skein.run("payload", "download", str(run), step, "--index", str(i)).stdout) for i in range(count)]


def test_a_map_translates_codes_falls_back_to_the_default_and_fails_on_the_payload_without_one(skein, tmp_path):
    skein.run("lookup", "create", "shipping-codes", "--description", "shop method to WMS carrier", "--default", "STD")
    skein.run("lookup", "set", "shipping-codes", "express", "DHL-EXP")
    skein.run("flow", "deploy", write(tmp_path, "flow.yaml", SHIP_FLOW))
    orders = write(tmp_path, "orders.json", json.dumps(ORDERS))

    mapped = skein.json("run", "ship-orders", "--payload", orders)
    assert mapped["status"] == "success"
    assert payloads(skein, mapped["run"], "to-wms", 2) == [{"order": "#1001", "carrier": "DHL-EXP"}, {"order": "#1002", "carrier": "STD"}]

    # Without a default, the unmatched code fails the step on its payload; the run log says where and why.
    skein.run("lookup", "update", "shipping-codes", "--no-default")
    failed = skein.run("run", "ship-orders", "--payload", orders, "--json", check=False)
    assert failed.returncode == 1
    run = json.loads(failed.stdout.strip().splitlines()[-1])["run"]
    shown = skein.json("runs", "show", str(run))
    assert shown["status"] == "failure" and shown["failed_step"] == "to-wms"
    step = next(s for s in shown["steps"] if s["shape"] == "to-wms")
    assert step["error"] == ("step 'to-wms', map.fields.carrier, payload 1: JSONata L1002 at position 8: "
                             "lookup 'shipping-codes' has no row whose left value is 'drone' and no default")
    assert step["error_details"]["payload_index"] == 1 and step["error_details"]["code"] == "L1002"

    # A row added later is read by the next run (tables are read once per run, not cached across runs).
    skein.run("lookup", "set", "shipping-codes", "drone", "SKY")
    again = skein.json("run", "ship-orders", "--payload", orders)
    assert again["status"] == "success"
    assert payloads(skein, again["run"], "to-wms", 2)[1] == {"order": "#1002", "carrier": "SKY"}


def test_csv_import_updates_and_adds_export_round_trips_and_bad_files_name_their_line(skein, tmp_path):
    skein.run("lookup", "create", "warehouses")
    skein.run("lookup", "set", "warehouses", "london", "WH-1")
    skein.run("lookup", "set", "warehouses", "paris", "WH-2")
    csv = write(tmp_path, "wh.csv", 'left,right\r\nparis,WH-20\r\n"berlin, mitte",WH-3\r\nlondon,WH-1\r\n')
    assert skein.json("lookup", "import", "warehouses", csv) == {"added": 1, "updated": 1, "unchanged": 1}
    shown = skein.json("lookup", "show", "warehouses")
    assert shown["rows"] == [{"left": "london", "right": "WH-1"}, {"left": "paris", "right": "WH-20"},
                             {"left": "berlin, mitte", "right": "WH-3"}]
    exported = tmp_path / "out.csv"
    skein.run("lookup", "export", "warehouses", "-o", str(exported))
    assert exported.read_bytes() == b'left,right\r\nlondon,WH-1\r\nparis,WH-20\r\n"berlin, mitte",WH-3\r\n'
    skein.run("lookup", "create", "copy")
    skein.run("lookup", "import", "copy", str(exported))
    assert skein.json("lookup", "show", "copy")["rows"] == shown["rows"]
    assert [t["name"] for t in skein.json("lookup", "list")] == ["copy", "warehouses"]

    for text, message in [
        ("left,right\nrome,WH-4\nmilan\n", "bad.csv line 3: expected 2 fields (left,right), found 1"),
        ("code,value\na,b\n", "bad.csv line 1: the first line must be the header 'left,right'"),
        ('left,right\nrome,WH-4\n"oslo,WH-5\n', 'bad.csv line 3: a quoted field is not closed'),
        ("left,right\nrome,WH-4\nrome,WH-5\n", "bad.csv line 3: left value 'rome' already given on line 2"),
    ]:
        failed = skein.run("lookup", "import", "warehouses", write(tmp_path, "bad.csv", text), check=False)
        assert failed.returncode == 1 and message in failed.stderr, failed.stderr
    assert skein.json("lookup", "show", "warehouses")["rows"] == shown["rows"], "a refused import changes nothing"

    big = tmp_path / "big.csv"
    big.write_text("left,right\n" + "".join(f"k{i:07d},{'v' * 40}\n" for i in range(120_000)))
    assert big.stat().st_size > 5 * 1024 * 1024
    failed = skein.run("lookup", "import", "warehouses", str(big), check=False)
    assert failed.returncode == 1 and "an import takes at most 5242880 bytes" in failed.stderr

    failed = skein.run("lookup", "remove-row", "warehouses", "nowhere", check=False)
    assert failed.returncode == 1 and "has no row whose left value is 'nowhere'" in failed.stderr
    skein.run("lookup", "remove-row", "warehouses", "paris")
    skein.run("lookup", "delete", "copy")
    failed = skein.run("lookup", "show", "copy", check=False)
    assert failed.returncode == 1 and "no lookup table named 'copy'" in failed.stderr
    failed = skein.run("lookup", "create", "Bad Name", check=False)
    assert failed.returncode == 1 and "lookup name 'Bad Name' must be lowercase" in failed.stderr


def test_skein_expr_reads_lookups(skein):
    skein.run("lookup", "create", "countries", "--default", "??")
    skein.run("lookup", "set", "countries", "United Kingdom", "GB")
    assert skein.json("expr", '$lookup("countries", "United Kingdom")') == "GB"
    assert skein.json("expr", '$lookup("countries", "GB", "reverse")') == "United Kingdom"
    assert skein.json("expr", '$lookup("countries", "Narnia")') == "??"
    failed = skein.run("expr", '$lookup("nope", "x")', check=False)
    assert failed.returncode == 2 and "no lookup table named 'nope'" in failed.stderr
