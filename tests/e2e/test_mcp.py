"""`skein mcp`: a real MCP client (the Python SDK, `pip install mcp`) drives Skein's MCP server
over stdio (the server as a child process, acting as a named user or a token) and over
streamable HTTP (`/mcp` of `skein serve`, behind an API token): it initialises, lists the
tools, finds a failed run, reads its payload, replays it as an operator (a new run exists)
and is refused the replay as a viewer, with the operation's permission message."""
import asyncio
import json
import os

from jsonschema import Draft202012Validator
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

from conftest import ROOT

FLOW = """
id: mcp-orders
shapes:
  - id: source
    payload: { json: { orders: [ { id: 1042, currency: GBP, note: "NOTE" } ] } }
  - id: check
    assert:
      that: [ { field: "orders[0].currency", one_of: [EUR] } ]
"""

TOOLS = ["list_flows", "search_runs", "show_run", "read_payload", "summarize_failures", "search_sync",
         "show_sync_entry", "replay_run", "retry_run", "resync"]


def failed_run(skein):
    """Deploys a flow whose check refuses the shop's currency and runs it once: run 1 fails at `check`."""
    path = ROOT / ".build" / "e2e-mcp-orders.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(FLOW.replace("NOTE", "n" * 3000))
    skein.run("flow", "deploy", str(path))
    assert skein.run("run", "mcp-orders", check=False).returncode == 1


def answer(result):
    """A tool result's JSON (its text content), and whether it is a tool error."""
    text = result.content[0].text
    return (text if result.is_error else json.loads(text)), bool(result.is_error)


async def session_story(session):
    """Initialise, list the tools, find the failed run, read its payload, be refused or replay."""
    initialized = await session.initialize()
    assert initialized.server_info.name == "skein"
    tools = (await session.list_tools()).tools
    assert [tool.name for tool in tools] == TOOLS
    for tool in tools:  # every input schema is a valid JSON Schema (draft 2020-12, MCP's default dialect)
        Draft202012Validator.check_schema(tool.input_schema)
    replay_tool = next(tool for tool in tools if tool.name == "replay_run")
    assert replay_tool.input_schema["type"] == "object" and "confirm" in replay_tool.input_schema["properties"]

    found, error = answer(await session.call_tool("search_runs", {"status": "failure", "days": 1}))
    assert not error, found
    failed = [run for run in found["runs"] if run["trigger"] == "manual"]
    assert [(run["id"], run["failed_step"]) for run in failed] == [(1, "check")]

    shown, _ = answer(await session.call_tool("show_run", {"run": 1}))
    assert [(step["step"], step["status"]) for step in shown["steps"]] == [("source", "success"), ("check", "failure")]
    assert "currency" in shown["steps"][1]["error"]

    payload, _ = answer(await session.call_tool("read_payload", {"run": 1, "step": "source"}))
    assert json.loads(payload["text"])["orders"][0]["id"] == 1042 and not payload["trimmed"]
    head, _ = answer(await session.call_tool("read_payload", {"run": 1, "step": "source", "limit": 100}))
    assert head["trimmed"] and len(head["text"].encode()) == 100 and head["next_offset"] == 100

    groups, _ = answer(await session.call_tool("summarize_failures", {"days": 1}))
    assert groups["failed_runs"] >= 1 and 1 in groups["groups"][0]["runs"]

    bad, error = answer(await session.call_tool("search_runs", {"status": "lost"}))
    assert error and bad.startswith("unknown status 'lost'; use ")
    return await session.call_tool("replay_run", {"run": 1, "step": "source", "confirm": True})


async def over_stdio(skein, args, env=None):
    server = StdioServerParameters(command=skein.binary, args=["mcp", "--data-dir", skein.data_dir, *args],
                                   env={**os.environ, **(env or {})})
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            return await session_story(session)


async def over_http(url, token):
    async with create_mcp_http_client(headers={"Authorization": f"Bearer {token}"}) as http:
        async with streamable_http_client(url, http_client=http) as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                return await session_story(session)


def test_an_mcp_client_over_stdio_replays_as_an_operator_and_is_refused_as_a_viewer(skein):
    failed_run(skein)
    skein.add_user("olga", role="operator")
    skein.add_user("vic", role="viewer")

    refused, error = answer(asyncio.run(over_stdio(skein, ["--user", "vic"])))
    assert error and refused == "this needs the operator role; vic is viewer"
    assert [run["id"] for run in skein.json("runs", "list")] == [1]

    started, error = answer(asyncio.run(over_stdio(skein, ["--user", "olga"])))
    assert not error, started
    new_run = started["started"]
    assert new_run["origin_run"] == 1 and new_run["trigger"] == "replay" and new_run["status"] == "queued"
    assert [run["id"] for run in skein.json("runs", "list")] == [new_run["id"], 1]

    # A token in SKEIN_MCP_TOKEN acts with the token's role.
    token = skein.create_token("olga", role="viewer")
    refused, error = answer(asyncio.run(over_stdio(skein, [], env={"SKEIN_MCP_TOKEN": token})))
    assert error and refused == "this needs the operator role; olga is viewer"


def test_skein_mcp_needs_a_user_or_a_valid_token(skein):
    missing = skein.run("mcp", check=False, input="")
    assert missing.returncode == 1 and "give --user NAME, or an API token in SKEIN_MCP_TOKEN" in missing.stderr
    unknown = skein.run("mcp", "--user", "nobody", check=False, input="")
    assert unknown.returncode == 1 and "no user named 'nobody'" in unknown.stderr
    revoked = subprocess_env_run(skein, {"SKEIN_MCP_TOKEN": "skn_not-a-token"})
    assert revoked.returncode == 1 and "the API token in SKEIN_MCP_TOKEN is not valid" in revoked.stderr
    assert "skn_not-a-token" not in revoked.stderr


def subprocess_env_run(skein, env):
    import subprocess
    return subprocess.run([skein.binary, "mcp", "--data-dir", skein.data_dir], capture_output=True, text=True, input="",
                          env={**os.environ, **env}, timeout=60)


def test_an_mcp_client_over_streamable_http_with_an_api_token(skein):
    import urllib.error
    import urllib.request

    failed_run(skein)
    skein.add_user("olga", role="operator")
    skein.add_user("vic", role="viewer")
    operator, viewer = skein.create_token("olga"), skein.create_token("vic")
    process, base = skein.serve_api()
    try:
        refused, error = answer(asyncio.run(over_http(base + "/mcp", viewer)))
        assert error and refused == "this needs the operator role; vic is viewer"

        started, error = answer(asyncio.run(over_http(base + "/mcp", operator)))
        assert not error, started
        new_id = started["started"]["id"]
        with urllib.request.urlopen(urllib.request.Request(f"{base}/api/v1/runs/{new_id}",
                                                           headers={"Authorization": f"Bearer {operator}"})) as response:
            assert json.loads(response.read())["origin_run"] == 1

        # Without a token: 401 before any MCP is spoken. With one, GET (a server-sent event stream) is not offered: 405.
        def status(method, headers, data=None):
            request = urllib.request.Request(base + "/mcp", data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status
            except urllib.error.HTTPError as refusal:
                return refusal.code
        message = b'{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
        json_headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        assert status("POST", json_headers, message) == 401
        assert status("POST", {**json_headers, "Authorization": "Bearer skn_revoked"}, message) == 401
        assert status("GET", {"Accept": "text/event-stream", "Authorization": f"Bearer {viewer}"}) == 405
        # A browser page elsewhere cannot drive the tools even with a token (DNS rebinding): 403.
        assert status("POST", {**json_headers, "Authorization": f"Bearer {viewer}", "Origin": "http://evil.example"}, message) == 403
        assert status("POST", {**json_headers, "Authorization": f"Bearer {viewer}"}, message) == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_requests_piped_to_skein_mcp_are_all_answered_before_it_exits(skein):
    """A script may pipe JSON-RPC lines in and close standard input: every request is still answered."""
    import subprocess
    skein.add_user("vic", role="viewer")
    lines = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "pipe", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "search_runs", "arguments": {"days": "x"}}},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "drop_tables", "arguments": {}}},
    ]
    result = subprocess.run([skein.binary, "mcp", "--user", "vic", "--data-dir", skein.data_dir], capture_output=True, text=True,
                            input="".join(json.dumps(line) + "\n" for line in lines), timeout=60)
    assert result.returncode == 0, result.stderr
    answers = {message["id"]: message for message in map(json.loads, result.stdout.splitlines())}
    assert sorted(answers) == [1, 2, 3]
    assert answers[1]["result"]["serverInfo"]["name"] == "skein"
    assert answers[2]["result"]["isError"] is True
    assert answers[2]["result"]["content"][0]["text"] == "days must be a whole number from 1 to 3650, found 'x'"
    assert answers[3]["error"]["code"] == -32602 and "no tool 'drop_tables'" in answers[3]["error"]["message"]


def test_a_token_revoked_while_an_assistant_is_connected_is_refused_from_the_next_call(skein):
    skein.add_user("olga", role="operator")
    token = skein.create_token("olga", name="assistant")
    token_id = next(t["id"] for t in skein.json("token", "list") if t["name"] == "assistant")

    async def story():
        server = StdioServerParameters(command=skein.binary, args=["mcp", "--data-dir", skein.data_dir],
                                       env={**os.environ, "SKEIN_MCP_TOKEN": token})
        async with stdio_client(server) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                before = answer(await session.call_tool("list_flows", {}))
                skein.run("token", "revoke", str(token_id))
                after = answer(await session.call_tool("list_flows", {}))
                return before, after

    (flows, error), (refusal, refused) = asyncio.run(story())
    assert not error and flows == {"flows": []}
    assert refused and refusal == "the API token in SKEIN_MCP_TOKEN is not valid (unknown or revoked)"


def test_an_operator_resyncs_failed_entries_after_a_preview(skein, shop, tmp_path):
    """The ERP refused every order once; the assistant previews a resync of the failed entries, then confirms it."""
    from conftest import make_erp
    from test_sync_reports import deploy_sync_flow, paid_orders, sync_list

    paid = paid_orders(shop)
    erp = make_erp(fail_first=len(paid))
    try:
        skein.add_demo_instances(shop, erp)
        deploy_sync_flow(skein, tmp_path, retries=0)
        skein.run("run", "orders-to-erp", check=False)
        failed = sync_list(skein, "--status", "failed")["entries"]
        assert len(failed) == len(paid) and len(erp.system.received) == 0
        skein.add_user("olga", role="operator")

        async def story():
            server = StdioServerParameters(command=skein.binary, args=["mcp", "--user", "olga", "--data-dir", skein.data_dir])
            async with stdio_client(server) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    found = answer(await session.call_tool("search_sync", {"status": "failed", "system": "ERP"}))
                    preview = answer(await session.call_tool("resync", {"status": "failed", "system": "ERP"}))
                    received_after_preview = len(erp.system.received)
                    done = answer(await session.call_tool("resync", {"status": "failed", "system": "ERP", "confirm": True}))
                    entry = answer(await session.call_tool("show_sync_entry", {"sync_id": failed[0]["sync_id"]}))
                    return found, preview, received_after_preview, done, entry

        (found, _), (preview, _), received_after_preview, (done, error), (entry, entry_error) = asyncio.run(story())
        # The entry the resync delivered: failed on the first attempt, OK on the second (asked for), payload included.
        assert not entry_error, entry
        assert entry["entry"]["status"] == "ok" and entry["entry"]["reference"] == failed[0]["reference"]
        assert [(a["attempt"], a["status"], a["manual"]) for a in entry["attempts"]] == [(1, "failed", False), (2, "ok", True)], entry
        assert [h["to"] for h in entry["history"]][-1] == "ok"
        assert failed[0]["reference"] in json.dumps(entry["payload"]) and entry["payload_trimmed"] is False
        assert found["counts"]["failed"] == len(paid) and len(found["entries"]) == len(paid)
        assert preview["preview"] is True and preview["would_send"] == len(paid) and received_after_preview == 0
        assert not error, done
        assert done["sent"] == len(paid) and done["by_status"]["ok"] == len(paid)
        assert len(erp.system.received) == len(paid) and erp.system.duplicates == 0
        assert sync_list(skein, "--status", "ok")["counts"]["ok"] == len(paid)
    finally:
        erp.shutdown()
