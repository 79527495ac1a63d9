"""The web UI in a real browser: Playwright (PyPI) drives Debian's chromium against the real
`skein serve`, the demo shop and an ERP that is down. A user signs in, opens the failed run,
views a payload, replays the failed step once the ERP is back, filters the sync report to
Failed, downloads its CSV, selects entries and resyncs them (and then every match), and tries
an expression on a payload in the playground. Screenshots of the main pages are saved to
tests/e2e/artifacts/screenshots (git-ignored) for people to look at."""
import csv
import io
import json
import shutil
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from browser_support import launch_chromium
from conftest import DEMO_FLOW, demo_flow_text, make_erp, wait_for

SCREENSHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"
SYNC = '      sync: { system: ERP, reference: "reference", source_id: "order_number", endpoint_id: "erp_id" }\n'


def deploy(skein, tmp_path, flow_id, sync):
    """The demo flow, started by hand; with `sync` its ERP step records items (no retries)."""
    text = demo_flow_text().replace('trigger: { schedule: "*/5 * * * *" }', "trigger: manual\nsync_retries: 0")
    text = text.replace("id: orders-to-erp", f"id: {flow_id}").replace("retry: { attempts: 4, backoff: 500ms, max_backoff: 5s }", "retry: { attempts: 1 }")
    if sync:
        text = text.replace("      body: json\n", "      body: json\n" + SYNC)
    path = tmp_path / f"{flow_id}.yaml"
    path.write_text(text)
    skein.run("flow", "deploy", str(path))


def test_operator_recovers_failures_in_the_browser(skein, shop, tmp_path):
    paid = [o for o in shop.system.orders if o["financial_status"] == "paid"]  # 15
    erp = make_erp(fail_first=10_000)  # down
    server = None
    try:
        skein.add_demo_instances(shop, erp)
        deploy(skein, tmp_path, "orders-to-erp", sync=False)
        deploy(skein, tmp_path, "orders-sync", sync=True)
        assert skein.run("run", "orders-to-erp", check=False).returncode == 1  # run 1 fails at post-to-erp
        skein.run("run", "orders-sync")  # run 2: 15 Failed sync entries
        assert skein.json("sync", "list", "--all", "--status", "failed")["counts"]["failed"] == len(paid)
        password = skein.add_user("olive", role="builder")
        server, base = skein.serve_api()

        if SCREENSHOTS.exists():
            shutil.rmtree(SCREENSHOTS)
        SCREENSHOTS.mkdir(parents=True)

        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
            page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" of action buttons
            shot = lambda name: page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

            # Signing in, from a deep link: the login page brings the user back to it.
            page.goto(base + "/runs?status=failure")
            expect(page).to_have_url(f"{base}/login?next=%2Fruns%3Fstatus%3Dfailure")
            page.fill("#username", "olive")
            page.fill("#password", password)
            page.click("button[type=submit]")
            expect(page).to_have_url(f"{base}/runs?status=failure")
            expect(page.locator("table.grid tbody tr")).to_have_count(1)
            shot("runs")

            page.goto(base + "/")
            expect(page.locator("h1")).to_have_text("Dashboard")
            expect(page.locator(".count.failure b")).to_have_text("1")
            expect(page.locator(".count.failed b")).to_have_text(str(len(paid)))
            shot("dashboard")

            page.click("nav >> text=Flows")
            expect(page.locator("table.grid tbody tr")).to_have_count(2)
            shot("flows")
            page.click("text=orders-to-erp")
            expect(page.locator("#shapes li")).to_have_count(6)
            expect(page.locator("#shape-to-erp-format >> text=Try in playground")).to_be_visible()
            shot("flow")

            # The failed run: its error, its steps, an eye icon per payload.
            page.goto(base + "/runs?status=failure")
            page.click("table.grid tbody tr >> a >> nth=0")
            expect(page.locator("h1")).to_have_text("Run 1")
            expect(page.locator(".notice.error")).to_contain_text("post-to-erp")
            expect(page.locator("#steps tbody tr")).to_have_count(6)
            shot("run")
            page.click("#step-2 a.eye >> nth=0")  # the first order after the split
            expect(page.locator("h1")).to_contain_text("Payload 0 of step 2 'each-order'")
            expect(page.locator("#payload")).to_contain_text(f'"name": "{shop.system.orders[0]["name"]}"')
            shot("payload")

            # The playground, from the payload: the input is that order.
            page.click("#try-expression")
            expect(page.locator("#input")).to_contain_text('"line_items"')
            page.fill("#expression", "$count(line_items) & ' lines, ' & financial_status")
            expect(page.locator("#result")).to_contain_text("lines,")
            page.fill("#expression", "line_items[")
            expect(page.locator("#result.error")).to_contain_text("S0")
            page.fill("#expression", "$sum(line_items.quantity)")
            expect(page.locator("#result.value")).to_have_text(str(sum(i["quantity"] for i in shop.system.orders[0]["line_items"])))
            shot("playground")

            # The ERP is back: replay the failed step with the input it had.
            erp.system.fail_first = 0
            page.goto(base + "/runs/1")
            page.click("#step-6 >> text=Replay from this step")
            expect(page.locator(".notice", has_text="replay of run 1")).to_be_visible()
            replay_id = int(page.url.split("/runs/")[1].split("?")[0])
            wait_for(lambda: skein.json("runs", "show", str(replay_id))["status"] == "success", timeout=60, what="the replay to succeed")
            page.reload()
            expect(page.locator("dl.facts")).to_contain_text("success")
            assert len(erp.system.received) == len(paid)

            # Initialise the flow with a pasted order, entering at the split.
            order = dict(shop.system.orders[0], id=5000, name="#5000", financial_status="paid")
            page.goto(base + "/flows/orders-to-erp")
            page.click("#open-initialise")
            page.fill("#init-payload", json.dumps({"orders": [order]}))
            page.select_option("#init-step", "each-order")
            page.click("#initialise-run")
            expect(page.locator(".notice", has_text="initialised")).to_be_visible()
            expect(page.locator("dl.facts")).to_contain_text("entered at each-order")
            started = int(page.url.split("/runs/")[1].split("?")[0])
            wait_for(lambda: skein.json("runs", "show", str(started))["status"] == "success", timeout=60, what="the initialised run")
            assert erp.system.received["5000"]["reference"] == "#5000"

            # The sync report, filtered to Failed; its CSV; resync two, then every match.
            page.goto(base + "/sync")
            page.check("#sync-filters input[name=status][value=failed]")
            page.click("#sync-filters button[type=submit]")
            expect(page.locator("#sync-table tbody tr")).to_have_count(len(paid))
            page.check("#extra-toggle")
            expect(page.locator("#sync-table th.extra >> nth=0")).to_be_visible()
            shot("sync-report")
            with page.expect_download() as download:
                page.click("#download-csv")
            rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
            assert len(rows) == len(paid)
            assert {r["status"] for r in rows} == {"failed"}
            assert sorted(r["reference"] for r in rows) == sorted(o["name"] for o in paid)

            boxes = page.locator("#sync-table tbody input[name=id]")
            boxes.nth(0).check()
            boxes.nth(1).check()
            expect(page.locator("#resync-selected")).to_have_text("Resync selected (2)")
            page.click("#resync-selected")
            # Every resync first shows what it would send; nothing goes until it is confirmed.
            expect(page.locator("h1")).to_have_text("Resync the 2 selected entries?")
            expect(page.locator("#resync-counts [data-status=failed] b")).to_have_text("2")
            assert skein.json("sync", "list", "--all", "--status", "failed")["counts"]["failed"] == len(paid)
            page.click("#confirm-resync")
            expect(page.locator(".notice", has_text="Resynced 2: 2 OK")).to_be_visible()
            expect(page.locator("#sync-table tbody tr")).to_have_count(len(paid) - 2)
            page.click("#resync-matching")
            expect(page.locator("#resync-count")).to_have_text(str(len(paid) - 2))
            page.click("#confirm-resync")
            expect(page.locator(".notice", has_text=f"Resynced {len(paid) - 2}: {len(paid) - 2} OK")).to_be_visible()
            expect(page.locator("#sync-counts .count.ok b")).to_have_text(str(len(paid)))
            report = skein.json("sync", "list", "--all")
            assert report["counts"] == {"ok": len(paid), "sent": 0, "pending": 0, "failed": 0, "skipped": 0}
            browser.close()
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        erp.shutdown()

