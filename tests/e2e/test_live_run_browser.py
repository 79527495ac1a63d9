"""A queued or running run's page follows the run without a reload (server-sent events from
/runs/{run}/events): a real `skein serve` runs the demo flow against an ERP that answers late —
the test holds the ERP's answers until the page shows the run in progress — and the page then
reaches the run's final state by itself: the run's status, each step's status and payload counts."""
from playwright.sync_api import expect, sync_playwright

from conftest import make_erp
from browser_support import launch_chromium
from test_ui_browser import deploy


def test_a_running_runs_page_reaches_its_final_state_without_a_reload(skein, shop, tmp_path):
    paid = [o for o in shop.system.orders if o["financial_status"] == "paid"]  # 15
    erp = make_erp()
    server = None
    held = False
    try:
        skein.add_demo_instances(shop, erp)
        deploy(skein, tmp_path, "orders-to-erp", sync=False)
        password = skein.add_user("olive", role="viewer")
        # The ERP answers late: every delivery waits on its lock until the test lets go.
        erp.system.lock.acquire()
        held = True
        skein.run("run", "orders-to-erp", "--queue")  # run 1, for the server's worker
        server, base = skein.serve_api()

        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(base + "/runs/1")
            page.fill("#username", "olive")
            page.fill("#password", password)
            page.click("button[type=submit]")
            expect(page).to_have_url(f"{base}/runs/1")

            # In progress: the page was rendered live and fills in steps as the worker reaches them.
            expect(page.locator("#steps")).to_have_attribute("data-events", "/runs/1/events")
            post = page.locator("#steps tbody tr", has_text="post-to-erp")
            expect(post.locator(".step-status")).to_have_text("running", timeout=60_000)
            expect(page.locator("#run-status .badge").first).to_have_text("started")
            page.evaluate("window.sameDocument = true")  # gone if the page were reloaded

            erp.system.lock.release()
            held = False

            expect(page.locator("#run-status .badge").first).to_have_text("success", timeout=120_000)
            expect(page.locator("#run-ended")).to_contain_text("The run ended: success")
            expect(post.locator(".step-status")).to_have_text("success")
            expect(post.locator(".step-out")).to_have_text(str(len(paid)))
            expect(post.locator(".step-in")).to_have_text(str(len(paid)))
            expect(page.locator("#steps tbody tr .step-status", has_text="running")).to_have_count(0)
            assert page.evaluate("window.sameDocument") is True, "the page reached the final state without a reload"
            assert page.locator("#steps").get_attribute("data-ended") == "true"
            browser.close()
    finally:
        if held:
            erp.system.lock.release()
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        erp.shutdown()
