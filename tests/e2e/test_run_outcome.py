"""Saying what happened (issue 19, item 6): `skein run` ends with the run's sync outcome counts and
its warnings, so a success that left items Pending says so; run lists mark a failed run that a
later replay recovered, and `--unrecovered` lists only the failures still waiting for someone."""
import json

from conftest import make_erp
from test_recovery import write_flow
from test_sync_reports import deploy_sync_flow, paid_orders


def test_skein_run_ends_with_the_sync_counts_and_the_warnings(skein, shop, tmp_path):
    paid = paid_orders(shop)  # 15
    erp = make_erp(fail_first=5)  # the first 5 deliveries get a 503: they stay Pending
    try:
        skein.add_demo_instances(shop, erp)
        deploy_sync_flow(skein, tmp_path)

        out = skein.run("run", "orders-to-erp").stdout
        lines = out.splitlines()
        assert "run 1: success" in lines
        assert f"sync: {len(paid) - 5} OK, 0 Sent, 5 Pending, 0 Failed, 0 skipped" in lines, out
        assert "  not delivered yet: skein sync list --status pending,failed --flow orders-to-erp" in lines, out
        assert "warnings (1):" in lines, out
        assert any(line.startswith("  post-to-erp: 5 of 15 items were not accepted: 5 Pending") for line in lines), out
        assert lines.index("run 1: success") < lines.index("warnings (1):") < lines.index("see it with: skein runs show 1")

        as_json = json.loads(skein.run("run", "orders-to-erp", "--json").stdout.strip().splitlines()[-1])
        assert as_json["run"] == 2 and as_json["status"] == "success"
        assert set(as_json["sync"]) == {"ok", "sent", "pending", "failed", "skipped"}
        assert sum(as_json["sync"].values()) == len(paid), as_json  # this run's entries only, not run 1's
        assert as_json["warnings"] == [] or all(w["step"] == "post-to-erp" for w in as_json["warnings"])
    finally:
        erp.shutdown()


def test_a_run_without_sync_entries_prints_no_sync_line(skein, shop, erp):
    skein.add_demo_instances(shop, erp)
    skein.run("flow", "deploy", write_flow("ok-outcome", "one_of: [GBP]"))
    out = skein.run("run", "shop-orders-sync").stdout
    assert "run 1: success" in out
    assert "sync:" not in out and "warnings" not in out


def test_run_lists_mark_a_failure_a_replay_recovered_and_list_the_unrecovered(skein, shop, erp):
    skein.add_demo_instances(shop, erp)
    skein.run("flow", "deploy", write_flow("strict-outcome", "one_of: [EUR]"))
    assert skein.run("run", "shop-orders-sync", check=False).returncode == 1  # run 1 fails
    assert skein.run("run", "shop-orders-sync", check=False).returncode == 1  # run 2 fails too
    skein.run("flow", "deploy", write_flow("fixed-outcome", "one_of: [GBP, EUR]"))
    skein.run("runs", "replay", "1", "fetch", "--current")  # run 3 recovers run 1

    failures = skein.json("runs", "list", "--status", "failure")
    assert [(r["id"], r["recovered_by"]) for r in failures] == [(2, None), (1, 3)]
    table = skein.run("runs", "list", "--status", "failure").stdout
    assert "failure (recovered by 3)" in table
    assert [r["id"] for r in skein.json("runs", "list", "--unrecovered")] == [2]
    assert "recovered by run 3" in skein.run("runs", "show", "1").stdout
    assert skein.json("runs", "show", "1")["recovered_by"] == 3

    bad = skein.run("runs", "list", "--unrecovered", "--status", "success", check=False)
    assert bad.returncode != 0
    assert "unrecovered lists failed runs only; drop status or use status=failure" in bad.stderr
