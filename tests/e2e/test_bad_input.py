"""Bad input gets a clear error that says what and where, never a crash."""


def test_malformed_flow_files_report_every_problem_with_its_path(skein, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("""
id: orders
trigger: { schedule: "every hour" }
shapes:
  - id: fetch
    htp: { instance: shop }
  - id: split
    split: { path: orders, batch_size: "ten" }
""")
    result = skein.run("flow", "validate", str(bad), check=False)
    assert result.returncode == 1
    err = result.stderr
    assert "bad.yaml: 3 problems in the flow" in err
    assert "trigger.schedule: invalid cron expression 'every hour'" in err
    assert "shapes[0].htp: unknown shape type 'htp'" in err
    assert "shapes[1].split.batch_size: expected a whole number" in err


def test_yaml_syntax_errors_name_the_line(skein, tmp_path):
    bad = tmp_path / "syntax.yaml"
    bad.write_text("id: x\nshapes:\n  - id: a\n    split: {path: [\n")
    result = skein.run("flow", "deploy", str(bad), check=False)
    assert result.returncode != 0
    assert "invalid YAML: line" in result.stderr
    assert "Traceback" not in result.stderr and "Fatal" not in result.stderr


def test_an_invalid_json_payload_is_rejected_with_line_and_column(skein, tmp_path):
    flow = tmp_path / "flow.yaml"
    flow.write_text("id: echo\nshapes:\n  - id: each\n    split: {path: orders}\n")
    skein.run("flow", "deploy", str(flow))
    payload = tmp_path / "payload.json"
    payload.write_text('{"orders": [\n  {"id": 1},\n  {"id": 2,}\n]}')
    result = skein.run("run", "echo", "--payload", str(payload), check=False)
    assert result.returncode != 0
    assert "payload.json: invalid JSON at line 3, column 12" in result.stderr
    assert skein.json("runs", "list") == []  # nothing was started


def test_unknown_flows_steps_and_shape_types_are_named(skein, tmp_path):
    result = skein.run("run", "nope", check=False)
    assert result.returncode != 0 and "no deployed flow 'nope'" in result.stderr
    flow = tmp_path / "flow.yaml"
    flow.write_text("id: echo\nshapes:\n  - id: each\n    split: {path: orders}\n")
    skein.run("flow", "deploy", str(flow))
    result = skein.run("run", "echo", "--from-step", "missing", check=False)
    assert "flow 'echo' has no shape 'missing'; its shapes are each" in result.stderr
    json_flow = tmp_path / "flow.json"
    json_flow.write_text('{"id": "j", "shapes": [{"id": "a", "transmogrify": {}}]}')
    result = skein.run("flow", "validate", str(json_flow), check=False)
    assert "shapes[0].transmogrify: unknown shape type 'transmogrify'" in result.stderr


def test_csv_payloads_pass_through_byte_for_byte(skein, tmp_path):
    flow = tmp_path / "flow.yaml"
    flow.write_text("id: files\nshapes:\n  - id: hold\n    skip: true\n    split: {}\n")
    skein.run("flow", "deploy", str(flow))
    csv = tmp_path / "stock.csv"
    data = b"sku;qty\r\nMUG-RED;12\r\n\"TEE, M\";0\r\n\xc3\xa9t\xc3\xa9;1\r\n"
    csv.write_bytes(data)
    result = skein.run("run", "files", "--payload", str(csv), "--content-type", "text/csv")
    assert "success" in result.stdout
    out = tmp_path / "out.csv"
    skein.run("payload", "download", "1", "hold", "-o", str(out))
    assert out.read_bytes() == data
    steps = skein.json("runs", "show", "1")["steps"]
    assert steps[0]["status"] == "skipped"
