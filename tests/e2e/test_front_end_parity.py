"""The CLI column of issue 18's parity test, through the real `skein` binary beside the real
`skein serve`: the same table of filter inputs (good and bad) as
Tests/SkeinWebTests/FilterParityTests.swift, then recovery and access refusals, each through
`skein …` and the REST API — the CLI accepts what the API accepts and refuses the rest with the
API's very message (SkeinOperations' one parser and one set of errors). FilterParityTests
holds the operations, API, UI and MCP columns of the same rows.

What the CLI cannot say by design: it acts as the local administrator (whoever can read the
data directory), so "a viewer is refused" is an API/UI/MCP row only, checked here through the
API. MCP has no user or token tools, and the web UI has no user or token pages, so access rows
are CLI and API only."""
import urllib.parse

import pytest

from api_client import API

# (query string, the message a refusal carries; None when the filter is good) — the rows of
# FilterParityTests.runs and FilterParityTests.sync.
RUNS = [
    ("status=failure", None), ("status=failure,success&trigger=webhook&days=3", None), ("from=2026-05-01&to=2026-05-02", None),
    ("status=lost", "unknown status 'lost'; use"), ("trigger=fax", "unknown trigger 'fax'; use"),
    ("from=yesterday", "from must be a UTC date"), ("before=x", "before must be an id"), ("limit=0", "limit must be a whole number"),
    ("days=0", "days must be a whole number from 1 to 3650, found '0'"),
]
SYNC = [
    ("status=failed", None), ("status=ok,failed&days=15&sort=reference&order=asc", None), ("search=RP-1", None),
    ("status=lost", "unknown status 'lost'; use"), ("days=30", "days must be a whole number from 1 to 15, found '30'"),
    ("days=0", "days must be a whole number from 1 to 15, found '0'"), ("sort=colour", "sort must be one of"),
    ("from=yesterday", "from must be a UTC date"),
]

FLOW = """
id: always-fails
shapes:
  - id: check
    assert: { condition: '$exists(never_there)', message: the order has no never_there field }
"""


def flags(query):
    """A query string as the CLI's flags: `name=value` is `--name value`, `order=asc` is `--asc`."""
    arguments = []
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        arguments += [f"--{value}"] if name == "order" else [f"--{name}", value]
    return arguments


def refusal(result):
    """The message a failed `skein` command printed (its last stderr line, without `Error: `)."""
    assert result.returncode != 0, result.stdout
    line = result.stderr.strip().splitlines()[-1]
    return line.removeprefix("Error: ").removeprefix("error: ")


def api_message(answer):
    return answer.json["error"]["message"]


@pytest.fixture
def server(skein, tmp_path):
    (tmp_path / "flow.yaml").write_text(FLOW)
    skein.run("flow", "deploy", str(tmp_path / "flow.yaml"))
    (tmp_path / "order.json").write_text('{"order": 1}')
    assert skein.run("run", "always-fails", "--payload", str(tmp_path / "order.json"), check=False).returncode != 0
    skein.add_user("root", "admin")
    skein.add_user("vera", "viewer")
    skein.add_user("otto", "operator")
    tokens = {role: skein.create_token(user, name=f"{role}-token") for role, user in
              [("admin", "root"), ("viewer", "vera"), ("operator", "otto")]}
    process, base = skein.serve_api()
    yield {role: API(base, token) for role, token in tokens.items()}
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.parametrize("report", ["runs", "sync"])
def test_the_cli_accepts_and_refuses_filters_as_the_api_does(skein, server, report):
    for query, expected in RUNS if report == "runs" else SYNC:
        api = server["viewer"].get(f"/api/v1/{report}?{query}")
        cli = skein.run(report, "list", *flags(query), check=False)
        if expected is None:
            assert api.status == 200, (query, api)
            assert cli.returncode == 0, (query, cli.stderr)
            continue
        assert api.status == 400 and api.json["error"]["code"] == "invalid_field", (query, api)
        assert expected in api_message(api), (query, api)
        assert refusal(cli) == api_message(api), query


def test_recovery_is_refused_alike_through_the_cli_and_the_api(skein, server):
    operator = server["operator"]
    # (CLI arguments, API method and path, API body, expected status, expected message start)
    cases = [
        (["runs", "replay", "1", "check", "--at", "later"], "POST", "/api/v1/runs/1/replay", {"step": "check", "at": "later"}, 400, "at must be one of"),
        (["runs", "replay", "1", "nowhere"], "POST", "/api/v1/runs/1/replay", {"step": "nowhere"}, 404, "run 1 has no step 'nowhere'"),
        (["runs", "replay", "99", "check"], "POST", "/api/v1/runs/99/replay", {"step": "check"}, 404, "no run 99"),
        (["runs", "retry", "99"], "POST", "/api/v1/runs/99/retry", {}, 404, "no run 99"),
        (["runs", "retry", "--all-failed", "--days", "0"], "POST", "/api/v1/runs/retry", {"days": "0"}, 400,
         "days must be a whole number from 1 to 3650, found '0'"),
        (["sync", "resync", "--status", "lost"], "POST", "/api/v1/sync/resync/preview", {"filter": {"status": "lost"}}, 400, "unknown status 'lost'"),
        (["sync", "resync", "--status", "failed", "--days", "30"], "POST", "/api/v1/sync/resync", {"filter": {"status": "failed", "days": "30"}},
         400, "days must be a whole number from 1 to 15, found '30'"),
        # `days` alone narrows nothing: resyncing every entry of a period needs a status, a system, a flow or ids.
        (["sync", "resync", "--days", "3"], "POST", "/api/v1/sync/resync", {"filter": {"days": "3"}}, 400, "give sync ids, or filters"),
    ]
    for arguments, method, path, body, status, message in cases:
        api = operator.call(method, path, body=body)
        assert api.status == status, (path, body, api)
        assert api_message(api).startswith(message), (path, body, api)
        assert refusal(skein.run(*arguments, check=False)) == api_message(api), arguments
    # The bulk retry's preview reads the same filter as the retry itself.
    preview = operator.get("/api/v1/runs/retry/preview?days=0")
    assert preview.status == 400 and api_message(preview) == "days must be a whole number from 1 to 3650, found '0'"
    # A viewer may not recover (the CLI acts as the local administrator: no such row for it).
    refused = server["viewer"].call("POST", "/api/v1/runs/1/replay", body={"step": "check"})
    assert refused.status == 403 and api_message(refused).startswith("this needs the operator role")
    assert [run["id"] for run in skein.json("runs", "list")] == [1], "every case was refused"


def test_access_is_refused_alike_through_the_cli_and_the_api(skein, server):
    admin = server["admin"]
    cases = [
        (["user", "add", "wendy", "--role", "boss"], "/api/v1/users", {"username": "wendy", "role": "boss", "password": "wendy-password-123"}, 400),
        (["user", "add", "vera", "--role", "viewer"], "/api/v1/users", {"username": "vera", "role": "viewer", "password": "vera-password-123"}, 409),
        (["token", "create", "ci", "--user", "vera", "--role", "boss"], "/api/v1/tokens", {"name": "ci", "username": "vera", "role": "boss"}, 400),
        (["token", "create", "ci", "--user", "nobody"], "/api/v1/tokens", {"name": "ci", "username": "nobody"}, 400),
    ]
    for arguments, path, body, status in cases:
        api = admin.call("POST", path, body=body)
        assert api.status == status, (path, body, api)
        cli = skein.run(*arguments, check=False, input=body.get("password", "") + "\n")
        assert refusal(cli) == api_message(api), arguments
    revoke = admin.call("DELETE", "/api/v1/tokens/999")
    assert revoke.status == 404
    assert refusal(skein.run("token", "revoke", "999", check=False)) == api_message(revoke)
    # A non-admin may not create users or tokens (the CLI is the local administrator).
    for role in ["viewer", "operator"]:
        refused = server[role].call("POST", "/api/v1/users", body={"username": "mallory", "role": "admin", "password": "mallory-password-1"})
        assert refused.status == 403 and api_message(refused).startswith("this needs the admin role"), refused
        refused = server[role].call("POST", "/api/v1/tokens", body={"name": "escalate", "username": "root", "role": "admin"})
        assert refused.status == 403, refused
    assert [user["username"] for user in skein.json("user", "list")] == ["otto", "root", "vera"]
