"""Sync reports end to end: the demo flow with a `sync:` block posts paid orders to a real
HTTP ERP that is down for a while. Every order gets a sync entry; Pending entries are retried
by `skein serve`'s SyncRetryService until the ERP accepts them or the retries run out; a mass
resync recovers the Failed ones; the ERP holds each order exactly once. Also: the CSV
download matches `skein sync list --json`, row for row and column for column."""
import csv
import json
import re
import subprocess
import time

from conftest import DEMO_FLOW, demo_flow_text, make_erp, wait_for

SYNC = '      sync: { system: ERP, reference: "reference", source_id: "order_number", endpoint_id: "erp_id" }\n'


def deploy_sync_flow(skein, tmp_path, retries=4):
    text = demo_flow_text().replace('trigger: { schedule: "*/5 * * * *" }', f"trigger: manual\nsync_retries: {retries}")
    text = text.replace("      body: json\n", "      body: json\n" + SYNC)
    assert SYNC in text and "sync_retries" in text
    path = tmp_path / "orders-to-erp-sync.yaml"
    path.write_text(text)
    skein.run("flow", "deploy", str(path))


def paid_orders(shop):
    return [o for o in shop.system.orders if o["financial_status"] == "paid"]


def sync_list(skein, *args):
    return skein.json("sync", "list", "--all", *args)


def erp_stats(erp):
    return {"requests": erp.system.requests, "stored": len(erp.system.received), "duplicates": erp.system.duplicates}


def test_pending_entries_are_retried_until_the_erp_accepts_them(skein, shop, tmp_path, monkeypatch):
    paid = paid_orders(shop)  # 15
    erp = make_erp(fail_first=len(paid) + 5)  # down for the first try of every order and 5 retries
    try:
        monkeypatch.setenv("SKEIN_SYNC_BACKOFF", "200ms")
        skein.add_demo_instances(shop, erp)
        deploy_sync_flow(skein, tmp_path)

        result = skein.run("run", "orders-to-erp")
        assert "run 1: success" in result.stdout  # the step records its items instead of failing
        run = skein.json("runs", "show", "1")
        post = next(s for s in run["steps"] if s["shape"] == "post-to-erp")
        assert any("15 of 15 items were not accepted: 15 Pending" in w for w in post["warnings"]), post["warnings"]

        report = sync_list(skein)
        assert report["counts"] == {"ok": 0, "sent": 0, "pending": 15, "failed": 0, "skipped": 0}
        entries = report["entries"]
        assert sorted(e["reference"] for e in entries) == sorted(o["name"] for o in paid)
        assert {e["system"] for e in entries} == {"ERP"}
        assert all(e["attempts"] == 1 and "503" in e["latest_sync_information"] for e in entries)

        server = skein.serve()
        try:
            wait_for(lambda: sync_list(skein)["counts"]["ok"] == 15, timeout=60, what="all entries OK")
        finally:
            server.terminate()
            server.wait(timeout=30)

        entries = sync_list(skein)["entries"]
        by_reference = {e["reference"]: e for e in entries}
        for order in paid:
            entry = by_reference[order["name"]]
            assert entry["status"] == "ok"
            assert entry["source_id"] == str(order["id"])
            assert entry["endpoint_id"] == f"ERP-{order['id']}"
        assert sorted(e["attempts"] for e in entries) == [2] * 10 + [3] * 5
        assert erp_stats(erp) == {"requests": 15 + 15 + 5, "stored": 15, "duplicates": 0}

        shown = skein.json("sync", "show", str(entries[0]["sync_id"]))
        history = [(h["from"], h["to"]) for h in shown["history"]]
        assert history[0] == (None, "pending") and history[-1] == ("pending", "ok")
        assert shown["payload"]["order_number"] == int(shown["source_id"])
    finally:
        erp.shutdown()


def test_entries_fail_after_four_retries_and_a_mass_resync_recovers_them(skein, shop, tmp_path, monkeypatch):
    paid = paid_orders(shop)
    erp = make_erp(fail_first=len(paid) * 5)  # the first try and 4 retries of each order all fail
    try:
        monkeypatch.setenv("SKEIN_SYNC_BACKOFF", "100ms")
        skein.add_demo_instances(shop, erp)
        deploy_sync_flow(skein, tmp_path)
        skein.run("run", "orders-to-erp")

        server = skein.serve()
        try:
            wait_for(lambda: sync_list(skein)["counts"]["failed"] == 15, timeout=60, what="all entries Failed")
            time.sleep(1.5)  # a Failed entry is never retried automatically
            assert erp.system.requests == 75
        finally:
            server.terminate()
            server.wait(timeout=30)

        failed = sync_list(skein, "--status", "failed")["entries"]
        assert len(failed) == 15 and all(e["attempts"] == 5 for e in failed)
        shown = skein.json("sync", "show", str(failed[0]["sync_id"]))
        assert [h["to"] for h in shown["history"]] == ["pending", "failed"]
        assert "retries exhausted (4)" in shown["history"][-1]["reason"]
        assert erp_stats(erp)["stored"] == 0

        # The ERP is back: resync everything Failed in one go.
        result = skein.run("sync", "resync", "--status", "failed", "--system", "ERP")
        assert "resynced 15: 15 OK" in result.stdout
        report = sync_list(skein)
        assert report["counts"] == {"ok": 15, "sent": 0, "pending": 0, "failed": 0, "skipped": 0}
        assert all(e["attempts"] == 6 for e in report["entries"])
        assert erp_stats(erp) == {"requests": 75 + 15, "stored": 15, "duplicates": 0}
        shown = skein.json("sync", "show", str(failed[0]["sync_id"]))
        assert shown["history"][-1]["from"] == "failed" and shown["history"][-1]["to"] == "ok"
        assert shown["history"][-1]["reason"].startswith("resync:")

        # One entry again, by id: an OK entry is sent again only when asked with --include-ok;
        # a new attempt on the same entry, and the ERP de-duplicates it.
        refused = skein.run("sync", "resync", str(failed[0]["sync_id"]), check=False)
        assert refused.returncode == 1 and "--include-ok" in refused.stderr
        one = skein.json("sync", "resync", str(failed[0]["sync_id"]), "--include-ok")
        assert one[0]["status"] == "ok" and one[0]["attempts"] == 7
        assert erp_stats(erp) == {"requests": 91, "stored": 15, "duplicates": 1}

        # Confirmation applies to Sent entries only.
        refused = skein.run("sync", "confirm", str(failed[0]["sync_id"]), check=False)
        assert refused.returncode == 1 and "not Sent" in refused.stderr
    finally:
        erp.shutdown()


def test_search_filters_and_bad_input(skein, shop, erp, tmp_path):
    skein.add_demo_instances(shop, erp)
    deploy_sync_flow(skein, tmp_path)
    skein.run("run", "orders-to-erp")
    paid = paid_orders(shop)
    target = paid[3]["name"]  # "#1008"-style reference
    found = sync_list(skein, "--search", target[1:])["entries"]
    assert [e["reference"] for e in found] == [target]
    assert sync_list(skein, "--search", "RP")["counts"]["ok"] == 15  # short terms match the system name too
    by_id = sync_list(skein, "--search", str(found[0]["sync_id"]))["entries"]
    assert found[0]["sync_id"] in [e["sync_id"] for e in by_id]
    assert sync_list(skein, "--system", "Shopify")["entries"] == []
    ordered = sync_list(skein, "--sort", "reference")["entries"]
    assert [e["reference"] for e in ordered] == sorted(o["name"] for o in paid)
    first = skein.json("sync", "list", "--sort", "reference", "--limit", "4")
    second = skein.json("sync", "list", "--sort", "reference", "--limit", "4", "--after", first["next"])
    assert [e["reference"] for e in first["entries"] + second["entries"]] == [e["reference"] for e in ordered[:8]]

    # The same messages the API and the UI give (SkeinOperations' one parser), naming the field.
    for args, message in [(["--status", "lost"], "unknown status 'lost'"), (["--days", "30"], "days must be a whole number from 1 to 15, found '30'"),
                          (["--sort", "colour"], "sort must be one of id, flow"), (["--from", "yesterday"], "from must be a UTC date")]:
        result = skein.run("sync", "list", *args, check=False)
        assert result.returncode != 0 and message in result.stderr, (args, result.stderr)
    result = skein.run("sync", "resync", check=False)
    assert result.returncode != 0 and "give sync ids, or filters" in result.stderr
    result = skein.run("sync", "show", "999999", check=False)
    assert result.returncode != 0 and "no sync entry 999999" in result.stderr


def test_csv_download_of_100k_entries_matches_the_json_list(skein, tmp_path):
    skein.run("bench", "sync", "--entries", "110000", "--batch", "55000", "--generate-only", timeout=600)
    filters = ["--from", "2000-01-01", "--status", "ok", "--status", "failed", "--status", "sent", "--sort", "reference"]
    out = tmp_path / "report.csv"
    timed = subprocess.run(["/usr/bin/time", "-v", skein.binary, "sync", "list", *filters, "--csv", str(out),
                            "--data-dir", skein.data_dir], capture_output=True, text=True, timeout=600)
    assert timed.returncode == 0, timed.stderr
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timed.stderr).group(1))
    print(f"CSV download peak RSS: {peak_kb / 1024:.1f} MiB")

    listed = skein.json("sync", "list", "--all", *filters)
    entries = listed["entries"]
    assert len(entries) >= 100_000
    with open(out, newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert header == list(entries[0].keys())
    assert len(body) == len(entries)
    for row, entry in zip(body, entries):
        assert row == ["" if v is None else str(v) for v in entry.values()]
