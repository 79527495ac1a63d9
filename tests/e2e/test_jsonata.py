"""JSONata in flows and `skein expr`, through the real binary: malformed expressions are
validation problems with the shape, field and position; a flow maps, filters and checks orders
with expressions; `skein expr` tries an expression on a file, stdin or a payload a run stored."""
import json

ORDERS = {"orders": [
    {"id": 1, "status": "paid", "customer": {"email": "Ann@Example.com"},
     "line_items": [{"sku": "mug-red", "quantity": 2, "price": 9.5}, {"sku": "tee-m", "quantity": 1, "price": 20}]},
    {"id": 2, "status": "pending", "customer": {"email": "bob@example.com"},
     "line_items": [{"sku": "cap", "quantity": 1, "price": 12}]},
    {"id": 3, "status": "paid", "customer": {"email": "cy@example.com"},
     "line_items": [{"sku": "sock", "quantity": 3, "price": 4}]},
]}

FLOW = """
id: jsonata-orders
shapes:
  - id: orders
    payload: { json: %s }
  - id: each-order
    split: { path: orders }
  - id: paid-only
    filter: { condition: 'status = "paid" and $count(line_items) > 0' }
  - id: to-erp
    map:
      fields:
        order_number: id
        email: $lowercase(customer.email)
        total: $sum(line_items.(quantity * price))
        lines: '[$map(line_items, function($l, $i) { {"line": $i + 1, "sku": $uppercase($l.sku)} })]'
        size: '$count(line_items) > 1 ? "multi" : "single"'
        note: { expr: $trim(note), default: "" }
  - id: checked
    assert: { condition: total > 0, message: an order must cost something }
""" % json.dumps(ORDERS)


def deploy(skein, tmp_path, text, name="flow.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return skein.run("flow", "deploy", str(path), check=False)


def test_malformed_expressions_are_reported_by_validate_and_deploy(skein, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("""
id: broken
shapes:
  - id: each
    split: { path: orders }
  - id: to-erp
    map:
      fields:
        order_number: id
        total: '$sum(line_items[0}.price)'
  - id: paid
    filter: { condition: 'status = = "paid"' }
""")
    result = skein.run("flow", "validate", str(bad), check=False)
    assert result.returncode == 1
    assert "2 problems in the flow" in result.stderr
    assert 'shapes[1].map.fields.total: JSONata S0202 at position 18: Expected "]", got "}"' in result.stderr
    assert 'shapes[2].filter.condition: JSONata S0211 at position 10: The symbol "=" cannot be used as a unary operator' in result.stderr
    result = skein.run("flow", "deploy", str(bad), check=False)
    assert result.returncode != 0
    assert "shapes[1].map.fields.total: JSONata S0202 at position 18" in result.stderr
    assert skein.json("flow", "list") == []


def test_a_flow_filters_maps_and_checks_orders_with_jsonata(skein, tmp_path):
    assert deploy(skein, tmp_path, FLOW).returncode == 0
    assert "run 1: success" in skein.run("run", "jsonata-orders").stdout
    steps = {s["shape"]: s for s in skein.json("runs", "show", "1")["steps"]}
    assert steps["paid-only"]["payloads_out"] == 2
    mapped = [json.loads(skein.run("payload", "download", "1", "to-erp", "--index", str(i)).stdout) for i in range(2)]
    assert mapped == [
        {"order_number": 1, "email": "ann@example.com", "total": 39, "lines": [{"line": 1, "sku": "MUG-RED"}, {"line": 2, "sku": "TEE-M"}],
         "size": "multi", "note": ""},
        {"order_number": 3, "email": "cy@example.com", "total": 12, "lines": [{"line": 1, "sku": "SOCK"}], "size": "single", "note": ""},
    ]


def test_a_runtime_error_names_the_step_field_payload_and_position(skein, tmp_path):
    flow = FLOW.replace("$sum(line_items.(quantity * price))", "$sum(line_items.(quantity * sku))")
    assert deploy(skein, tmp_path, flow).returncode == 0
    result = skein.run("run", "jsonata-orders", check=False)
    assert result.returncode != 0
    run = skein.json("runs", "show", "1")
    assert run["status"] == "failure" and run["failed_step"] == "to-erp"
    error = next(s for s in run["steps"] if s["shape"] == "to-erp")["error"]
    assert error == ("step 'to-erp', map.fields.total, payload 0: JSONata T2002 at position 27: "
                     'The right side of the "*" operator must evaluate to a number')


def test_a_failed_jsonata_assertion_says_the_message(skein, tmp_path):
    flow = FLOW.replace("total > 0", "total > 20")
    assert deploy(skein, tmp_path, flow).returncode == 0
    assert skein.run("run", "jsonata-orders", check=False).returncode != 0
    step = next(s for s in skein.json("runs", "show", "1")["steps"] if s["shape"] == "checked")
    assert step["error"] == "assertion failed on payload 1: an order must cost something"


def test_expr_prints_the_result_of_a_file_or_stdin(skein, tmp_path):
    order = tmp_path / "order.json"
    order.write_text(json.dumps(ORDERS["orders"][0]))
    result = skein.run("expr", "$sum(line_items.(quantity * price))", "--input", str(order))
    assert result.stdout == "39\n"
    result = skein.run("expr", "line_items[quantity > 1].{'sku': sku}", "--input", "-", "--json",
                       input=json.dumps(ORDERS["orders"][0]))
    assert result.stdout == '{"sku":"mug-red"}\n'
    bindings = tmp_path / "bindings.json"
    bindings.write_text('{"rate": 1.2}')
    assert skein.run("expr", "$round(39 * $rate, 2)", "--bindings", str(bindings)).stdout == "46.8\n"


def test_expr_undefined_prints_nothing_and_exits_3_unless_allowed(skein, tmp_path):
    order = tmp_path / "order.json"
    order.write_text(json.dumps(ORDERS["orders"][0]))
    result = skein.run("expr", "gift_message", "--input", str(order), check=False)
    assert result.returncode == 3 and result.stdout == ""
    assert "undefined" in result.stderr
    result = skein.run("expr", "gift_message", "--input", str(order), "--undefined-ok")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_expr_errors_show_the_code_message_and_a_caret(skein, tmp_path):
    result = skein.run("expr", "$sum(line_items[0}.price)", check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == ('error: JSONata S0202 at position 18: Expected "]", got "}"\n'
                             "  $sum(line_items[0}.price)\n"
                             "  " + " " * 17 + "^\n")  # under the "}" at offset 17
    order = tmp_path / "order.json"
    order.write_text(json.dumps(ORDERS["orders"][0]))
    result = skein.run("expr", "line_items.(quantity * sku)", "--input", str(order), "--json", check=False)
    assert result.returncode == 2
    assert json.loads(result.stdout) == {"error": {"code": "T2002", "position": 22,
                                                   "message": 'The right side of the "*" operator must evaluate to a number'}}
    assert result.stderr.endswith("  line_items.(quantity * sku)\n  " + " " * 21 + "^\n")  # under the "*"
    result = skein.run("expr", "($loop := function($n) { $loop($n + 1) }; $loop(0))", "--timeout-ms", "200", check=False)
    assert result.returncode == 2 and "JSONata U1001" in result.stderr and "timeout" in result.stderr


def test_expr_reads_a_payload_a_real_run_stored(skein, tmp_path):
    assert deploy(skein, tmp_path, FLOW).returncode == 0
    skein.run("run", "jsonata-orders")
    result = skein.run("expr", "customer.email", "--run", "1", "--step", "each-order", "--index", "2")
    assert result.stdout == '"cy@example.com"\n'
    result = skein.run("expr", "$count(orders)", "--run", "1", "--step", "orders")
    assert result.stdout == "3\n"
    result = skein.run("expr", "lines.sku", "--run", "1", "--step", "4", "--index", "0", "--json")
    assert json.loads(result.stdout) == ["MUG-RED", "TEE-M"]
    result = skein.run("expr", "id", "--run", "1", "--step", "nope", check=False)
    assert result.returncode == 1 and "run 1 has no step 'nope'; its steps are orders, each-order" in result.stderr
    result = skein.run("expr", "id", "--run", "1", "--step", "each-order", "--index", "9", check=False)
    assert result.returncode == 1 and "step 'each-order' of run 1 has 3 payloads; there is no index 9" in result.stderr
