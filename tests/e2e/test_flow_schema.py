"""`skein flow schema`: the JSON Schema of flow files, generated from the shape specs.

Checked with Python's `jsonschema` (draft 2020-12) against the real `skein` binary:
- every flow in examples/ and every flow snippet in docs/*.md is valid for the schema *and*
  accepted by `skein flow validate`;
- invalid settings are rejected by both, and both point at the setting (or, for a rule across
  settings, at the object holding it);
- the API serves the same documents, and docs/shapes.md's generated reference is up to date.

Which YAML blocks of the docs are flows: a mapping with `shapes:` is a whole flow; a list of
mappings with `id:` is a list of shape entries (wrapped into a flow); a mapping whose keys are
shape types (`split: {path: orders}`) is one shape's settings (wrapped into an entry of a flow).
Anything else (skein.yaml, a list of alternative `pagination:` lines) is not a flow.
"""
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from api_client import API
from conftest import ROOT, skein_binary


@pytest.fixture(scope="module")
def schema():
    result = subprocess.run([skein_binary(), "flow", "schema"], capture_output=True, text=True, check=True)
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(document)
    return document


@pytest.fixture(scope="module")
def shape_types():
    result = subprocess.run([skein_binary(), "flow", "schema", "--specs"], capture_output=True, text=True, check=True)
    return {shape["type"] for shape in json.loads(result.stdout)["shapes"]}


def yaml_blocks(path):
    """The ```yaml code blocks of a markdown file, with the line each starts on."""
    lines = path.read_text().splitlines()
    blocks, current, start = [], None, 0
    for number, line in enumerate(lines, 1):
        if current is None and line.strip() == "```yaml":
            current, start = [], number + 1
        elif current is not None and line.strip() == "```":
            blocks.append((start, "\n".join(current)))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def as_flow(block, shape_types):
    """The block as a flow document, or None when it is not a flow or part of one (see the module doc)."""
    try:
        value = yaml.safe_load(block)
    except yaml.YAMLError:
        return None
    if isinstance(value, dict) and "shapes" in value:
        return value
    if isinstance(value, list) and value and all(isinstance(entry, dict) and "id" in entry for entry in value):
        return {"id": "docs-snippet", "shapes": value}
    if isinstance(value, dict) and value and set(value) <= shape_types:
        return {"id": "docs-snippet", "shapes": [{"id": "snippet", **value}]}
    return None


def documented_flows(shape_types):
    flows = [(str(path.relative_to(ROOT)), yaml.safe_load(path.read_text())) for path in sorted((ROOT / "examples").rglob("*.yaml"))]
    for path in sorted((ROOT / "docs").glob("*.md")):
        for line, block in yaml_blocks(path):
            flow = as_flow(block, shape_types)
            if flow is not None:
                flows.append((f"{path.relative_to(ROOT)}:{line}", flow))
    return flows


def test_every_example_and_docs_flow_is_valid_for_the_schema_and_for_skein(schema, shape_types, skein, tmp_path):
    flows = documented_flows(shape_types)
    sources = {name.split(":")[0] for name, _ in flows}
    # The docs that teach flows all contribute snippets; a change to the extraction that finds none fails here.
    assert {"examples/demo/orders-to-erp.yaml", "docs/flows.md", "docs/shapes.md", "docs/connectors-http.md",
            "docs/connectors-sftp.md", "docs/connectors-database.md", "docs/connectors.md", "docs/sync-reports.md", "docs/webhooks.md"} <= sources
    assert len(flows) >= 30, [name for name, _ in flows]
    validator = jsonschema.Draft202012Validator(schema)
    for name, flow in flows:
        errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(flow)]
        assert errors == [], f"{name} does not match the schema: {errors}"
    files = []
    for index, (name, flow) in enumerate(flows):
        path = tmp_path / f"flow-{index}.json"
        path.write_text(json.dumps(flow))
        files.append(str(path))
    result = skein.run("flow", "validate", *files, check=False)
    assert result.returncode == 0, result.stderr + "\n" + "\n".join(f"{f} = {n}" for f, (n, _) in zip(files, flows))
    assert result.stdout.count(": ok (") == len(flows)


BASE = {
    "id": "orders",
    "trigger": {"webhook": {"token": "9c1d4e7a0b3f5c2e8d6a"}},
    "variables": {"channel": "web"},
    "shapes": [
        {"id": "fetch", "retry": {"attempts": 3}, "http": {"instance": "shop", "direction": "receive", "path": "/orders",
                                                            "pagination": {"type": "page"}, "items_path": "orders"}},
        {"id": "each", "split": {"path": "orders", "batch_size": 1}},
        {"id": "once", "dedupe": {"pool": "orders", "key": "id", "mode": "filter"}},
        {"id": "fields", "map": {"fields": {"order": "id", "currency": {"value": "GBP"}}}},
        {"id": "remember", "cache": {"action": "add", "name": "orders", "ttl": "1h"}},
        {"id": "split-up", "route": {"branches": [{"name": "uk", "condition": "country = 'GB'",
                                                   "shapes": [{"id": "uk", "filter": {"where": [{"field": "paid", "equals": True}]}}]}]}},
        {"id": "send", "http": {"instance": "erp", "direction": "send", "path": "/orders"}},
    ],
}


def mutated(path, value):
    """BASE with the value at `path` (a list of keys and indexes) set, or removed when value is DELETE."""
    flow = json.loads(json.dumps(BASE))
    target = flow
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return flow


DELETE = object()

# (what is wrong, where, new value, the problem `skein flow validate` reports, and whether the schema
# points at the setting itself (True) or, for a rule across settings, at the object holding it (False))
INVALID = [
    ("an unknown field", ["shapes", 1, "split", "batch_sise"], 3, "shapes[1].split.batch_sise: unknown field 'batch_sise'", True),
    ("a value not allowed", ["shapes", 2, "dedupe", "mode"], "sometimes",
     "shapes[2].dedupe.mode: 'sometimes' is not one of filter, track, filter_and_track", True),
    ("a number out of range", ["shapes", 1, "split", "batch_size"], 0, "shapes[1].split.batch_size: 0 is outside 1...1000000", True),
    ("a wrong type", ["shapes", 0, "retry", "attempts"], "three", "shapes[0].retry.attempts: expected a whole number, found \"three\"", True),
    ("a required field missing", ["shapes", 6, "http", "instance"], DELETE, "shapes[6].http.instance: required field is missing", True),
    ("an unknown shape type", ["shapes", 1, "splitt"], {}, "shapes[1].splitt: unknown shape type 'splitt'", True),
    ("a bad duration", ["shapes", 4, "cache", "ttl"], "soon",
     "shapes[4].cache.ttl: expected a duration such as 500ms, 2s, 5m or 1h, found \"soon\"", True),
    ("a setting of the other pagination type", ["shapes", 0, "http", "pagination"], {"type": "cursor"},
     "shapes[0].http.pagination.cursor_path: required field is missing", True),
    ("a bad variable name", ["variables"], {"2fast": 1}, "variables.2fast: '2fast' is not a variable name", True),
    ("a short webhook token", ["trigger", "webhook", "token"], "short", "trigger.webhook.token: use at least 16 letters", True),
    ("a bad field deep in the tree", ["shapes", 5, "route", "branches", 0, "shapes", 0, "filter", "match"], "some",
     "shapes[5].route.branches[0].shapes[0].filter.match: 'some' is not one of all, any", True),
    ("a setting for the other direction", ["shapes", 6, "http", "pagination"], {"type": "page"},
     "shapes[6].http.pagination: applies to direction: receive only", False),
    ("two ways of writing one shape", ["shapes", 3, "map", "transform"], "$",
     "shapes[3].map.transform: give either fields: or transform:, not both", False),
    ("a setting the other pagination type uses", ["shapes", 0, "http", "pagination"], {"type": "cursor", "cursor_path": "meta.next"},
     "shapes[0].http.items_path: is used by page and offset pagination only", False),
]


def schema_paths(errors):
    """Every place the schema's errors point at, through anyOf/oneOf contexts, as `a.b[0].c`."""
    paths = set()

    def visit(error):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties":
            path += re.findall(r"'([^']+)' (?:was|were) unexpected", error.message) or re.findall(r"\('([^']+)'", error.message)
        elif error.validator == "required":
            path += re.findall(r"^'([^']+)' is a required property", error.message)
        elif "propertyNames" in error.schema_path:
            path.append(error.instance)  # a key that is not allowed: the error sits on its object
        paths.add(dotted(path))
        for inner in error.context or []:
            visit(inner)

    for error in errors:
        visit(error)
    return paths


def dotted(path):
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def test_the_base_flow_is_valid_for_both(schema, skein, tmp_path):
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(BASE)) == []
    path = tmp_path / "base.json"
    path.write_text(json.dumps(BASE))
    skein.run("flow", "validate", str(path))


@pytest.mark.parametrize("what,where,value,problem,exact", INVALID, ids=[case[0] for case in INVALID])
def test_an_invalid_setting_is_rejected_by_validate_and_by_the_schema_with_its_path(schema, skein, tmp_path, what, where, value, problem, exact):
    flow = mutated(where, value)
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(flow))
    result = skein.run("flow", "validate", str(path), check=False)
    assert result.returncode == 1
    assert f"  - {problem}" in result.stderr, result.stderr
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(flow))
    assert errors, f"the schema accepts {what}"
    setting = problem.split(": ")[0]
    found = schema_paths(errors)
    if exact:
        assert setting in found, f"{what}: the schema points at {found}, validate at {setting}"
    else:
        holder = setting.rsplit(".", 1)[0]
        assert any(place == holder or place.startswith(holder + ".") for place in found), f"{what}: {found} vs {holder}"


def flow_schema(*args, check=True):
    """`skein flow schema …`; it reads no data directory."""
    result = subprocess.run([skein_binary(), "flow", "schema", *args], capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_the_api_serves_the_same_schema_and_specs_as_the_cli(skein):
    skein.add_user("vera", "viewer")
    process, base = skein.serve_api()
    try:
        api = API(base, skein.create_token("vera"))
        answer = api.call("GET", "/api/v1/schemas/flow")
        assert answer.status == 200
        assert answer.json == json.loads(flow_schema().stdout)
        specs = api.call("GET", "/api/v1/schemas/shapes")
        assert specs.status == 200 and specs.json == json.loads(flow_schema("--specs").stdout)
        kinds = {field["kind"] for shape in specs.json["shapes"] for field in shape["settings"]["fields"]}
        assert {"instance-ref", "pool-ref", "cache-ref", "flow-ref", "expression", "template", "duration", "enum", "integer"} <= kinds
        assert API(base).call("GET", "/api/v1/schemas/flow").status == 401
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_checked_in_reference_and_schema_are_what_the_specs_give(tmp_path):
    flow_schema("--docs", "--check", str(ROOT / "docs" / "shapes.md"))
    flow_schema("--check", str(ROOT / "docs" / "flow.schema.json"))
    stale = tmp_path / "shapes.md"
    stale.write_text((ROOT / "docs" / "shapes.md").read_text().replace("| `batch_size` |", "| `batch_sizes` |"))
    result = flow_schema("--docs", "--check", str(stale), check=False)
    assert result.returncode == 1
    assert f"Regenerate it with `skein flow schema --docs --update {stale}`" in result.stderr
    flow_schema("--docs", "--update", str(stale))
    assert stale.read_text() == (ROOT / "docs" / "shapes.md").read_text()
