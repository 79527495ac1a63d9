"""Safe recovery in the browser (issue 19, items 3 and 4): the seed story (re-syncing a
previous payload) driven from the web UI against a real shop and a real WMS on 127.0.0.1.

90 paid orders are delivered; a broken version fails; the fix is deployed; an operator replays
the failed run onto the latest version from its fetch step on the run page. The WMS receives
no duplicate, only the order that changed meanwhile; the sync report links each skipped entry
to the entry that delivered it first. A mass resync shows its counts before sending anything;
a double click on a confirmation sends once (the WMS counts the requests) and the same form
posted again is refused; the sync entry page shows the history and the payload sent."""
import json
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from conftest import wait_for
from test_delivery_ledger import WMS, add_instances, paid_references, start, write_flow
from browser_support import launch_chromium


def finished(skein, run_id):
    run = skein.json("runs", "show", str(run_id))
    return run if run["status"] not in ("queued", "started") else None


def test_the_seed_story_recovered_from_the_browser_without_duplicates(skein):
    wms = WMS()
    shop, shop_server, wms_server = start(150, wms)
    server = None
    try:
        add_instances(skein, shop_server, wms_server)
        skein.run("flow", "deploy", write_flow("v1", "one_of: [GBP]"))
        assert "run 1: success" in skein.run("run", "orders-to-wms").stdout
        paid = paid_references(shop.orders)
        assert len(paid) == 90 and sorted(wms.created) == paid and set(wms.created.values()) == {1}

        # One paid order changes in the shop; a broken version fails on its check (run 2, v2).
        changed = next(o for o in shop.orders if o["name"] == paid[7])
        changed["line_items"][0]["quantity"] += 5
        skein.run("flow", "deploy", write_flow("broken", "one_of: [EUR]"))
        assert "run 2: failure" in skein.run("run", "orders-to-wms", check=False).stdout
        skein.run("flow", "deploy", write_flow("fixed", "one_of: [GBP, EUR]"))  # v3, the fix

        password = skein.add_user("otto", role="operator")
        server, base = skein.serve_api()
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
            page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" of the recovery forms
            page.goto(base + "/runs/2")
            page.fill("#username", "otto")
            page.fill("#password", password)
            page.click("button[type=submit]")
            expect(page).to_have_url(base + "/runs/2")

            # The run page says which version ran and preselects the fix.
            expect(page.locator("#version-note")).to_contain_text("This run ran v2 of orders-to-wms; v3 has been deployed since")
            expect(page.locator("#replay-version-latest")).to_be_checked()
            expect(page.locator("#retry-form input[name=version][value=latest]")).to_be_checked()

            # Replay from the fetch step onto v3, from the run page: what fetch-orders fetched
            # goes into the next step (as `skein runs replay 2 fetch-orders --current`).
            requests_before = wms.requests
            page.select_option("#replay-step", label="2 · check, with what 1 · fetch-orders produced")
            page.click("#replay-run")
            expect(page.locator(".notice", has_text="replay of run 2 on the latest version")).to_be_visible()
            replay_id = int(page.url.split("/runs/")[1].split("?")[0])
            run = wait_for(lambda: finished(skein, replay_id), timeout=120, what="the replay to finish")
            assert run["status"] == "success", run
            page.goto(f"{base}/runs/{replay_id}")
            expect(page.locator("dl.facts")).to_contain_text("orders-to-wms v3")

            # The WMS received no duplicate: only the order changed meanwhile, once more.
            assert wms.requests - requests_before == 1
            assert {ref: n for ref, n in wms.created.items() if n != 1} == {paid[7]: 2}
            assert wms.bodies[paid[7]]["lines"][0]["quantity"] == changed["line_items"][0]["quantity"]

            # The sync report: 89 skipped entries, each linked to the entry that delivered it first.
            entries = skein.json("sync", "list", "--all")["entries"]
            first_delivery = {e["reference"]: e["sync_id"] for e in entries if e["run"] == 1}
            replayed = {e["sync_id"]: e for e in entries if e["run"] == replay_id}
            assert sorted(e["status"] for e in replayed.values()) == ["ok"] + ["skipped"] * 89
            page.goto(base + "/sync?status=skipped")
            expect(page.locator("#sync-counts .count.skipped b")).to_have_text("89")
            rows = page.locator("#sync-table tbody tr")
            expect(rows).to_have_count(50)  # the first page
            for index in range(rows.count()):
                row = rows.nth(index)
                sync_id = int(row.locator("a.entry-link").inner_text())
                reference = replayed[sync_id]["reference"]
                link = row.locator("td.wrap a", has_text="sync entry")
                expect(link).to_have_attribute("href", f"/sync/{first_delivery[reference]}")

            # A skipped entry's page; from it, the entry that delivered the item.
            skipped_id = int(rows.nth(0).locator("a.entry-link").inner_text())
            page.click(f"#sync-{skipped_id} a.entry-link")
            expect(page.locator("h1")).to_have_text(f"Sync entry {skipped_id}")
            expect(page.locator("#sync-history tbody")).to_contain_text("already delivered")
            reference = replayed[skipped_id]["reference"]
            page.click("#sync-history a[href^='/sync/']")
            delivered_id = first_delivery[reference]
            expect(page.locator("h1")).to_have_text(f"Sync entry {delivered_id}")

            # The sync entry page: history, payload (shown and downloadable), links to run and step.
            expect(page.locator("#sync-facts")).to_contain_text(reference)
            expect(page.locator("#endpoint-id")).to_have_text(f"WMS-{reference}-1")
            expect(page.locator("#sync-history tbody tr")).to_have_count(1)
            expect(page.locator("#sync-history tbody tr")).to_contain_text("ok")
            expect(page.locator("#payload")).to_contain_text(f'"reference": "{reference}"')
            expect(page.locator("#run-link")).to_have_attribute("href", "/runs/1")
            expect(page.locator("#step-link")).to_contain_text("post-to-wms")
            with page.expect_download() as download:
                page.click("#download-payload")
            assert json.loads(Path(download.value.path()).read_text())["reference"] == reference

            # A mass resync shows what it would do, with counts by status, before sending anything.
            requests_before = wms.requests
            page.goto(base + "/sync")
            page.click("#resync-matching")
            expect(page.locator("h1")).to_have_text("Resync every entry matching the report's filters?")
            expect(page.locator("#resync-counts [data-status=ok] b")).to_have_text("91")
            expect(page.locator("#resync-counts [data-status=skipped] b")).to_have_text("89")
            expect(page.locator("#resync-count")).to_have_text("89")  # OK entries left out unless ticked
            expect(page.locator("#include-ok")).not_to_be_checked()
            page.click("#cancel-resync")
            expect(page.locator("h1")).to_have_text("Sync report")
            assert wms.requests == requests_before, "the confirmation sent nothing"

            # "Resync this" of an OK entry asks first; a double click on the confirmation sends once.
            ok_id = first_delivery[paid[0]]
            page.goto(f"{base}/sync/{ok_id}")
            page.click("text=Resync this…")
            expect(page.locator("h1")).to_have_text(f"Resync sync entry {ok_id}?")
            expect(page.locator("#resync-counts [data-status=ok] b")).to_have_text("1")
            expect(page.locator("#resync-count")).to_have_text("0")
            page.check("#include-ok")
            fields = page.eval_on_selector("#confirm-resync-form", "form => Array.from(new FormData(form).entries())")
            page.dblclick("#confirm-resync")
            expect(page.locator(".notice", has_text="Resynced 1: 1 OK")).to_be_visible()
            assert wms.requests - requests_before == 1, f"a double click sent {wms.requests - requests_before} requests"
            assert wms.created[paid[0]] == 1, "sent again with the same Idempotency-Key, so the WMS created nothing"

            # The same form posted again (its one-time token already used) is refused and sends nothing.
            repeat = page.request.post(base + "/sync/resync", form=dict(fields), max_redirects=0)
            assert repeat.status == 303
            assert "already+submitted" in repeat.headers["location"] or "already%20submitted" in repeat.headers["location"], repeat.headers
            assert wms.requests - requests_before == 1

            # The entry's attempts and history now hold the resync, with the WMS's answer.
            page.goto(f"{base}/sync/{ok_id}")
            attempts = page.locator("#sync-attempts tbody tr")
            expect(attempts).to_have_count(2)
            expect(attempts.nth(0)).to_contain_text("first send")
            expect(attempts.nth(1)).to_contain_text("resync")
            expect(attempts.nth(1).locator("td.answer")).to_contain_text("201")
            expect(attempts.nth(1)).to_contain_text(f"WMS-{paid[0]}-1")
            expect(page.locator("#sync-history tbody tr")).to_have_count(2)
            expect(page.locator("#sync-history tbody tr >> nth=1")).to_contain_text("resync")
            browser.close()

        # The CLI shows the same attempts.
        shown = skein.json("sync", "show", str(ok_id))
        assert [(a["attempt"], a["status"], a["manual"]) for a in shown["attempts"]] == [(1, "ok", False), (2, "ok", True)]
        assert "201" in shown["attempts"][1]["response"] and shown["attempts"][1]["endpoint_id"] == f"WMS-{paid[0]}-1"
        assert "attempts:" in skein.run("sync", "show", str(ok_id)).stdout
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shop_server.shutdown()
        wms_server.shutdown()
