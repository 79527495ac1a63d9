"""The trigger form on the flow canvas, in a real browser (Playwright, Debian's chromium, the real
`skein serve`): a builder opens the demo flow's trigger, types a cron expression and sees its next
runs as the server reads the schedule (the same times `skein flow next-runs` prints), sees a bad
expression refused with what is wrong, saves it to the draft; switches the flow to a webhook, sees
its URL, deploys and POSTs to that URL; gives the webhook a new token and an HMAC variable. A
viewer sees the trigger read-only, without the token."""
import json
import re
import subprocess
import urllib.request

from playwright.sync_api import expect, sync_playwright

from conftest import DEMO_FLOW
from browser_support import launch_chromium, sign_in


def draft_text(skein):
    return skein.run("flow", "draft", "show", "orders-to-erp").stdout


def test_a_builder_sets_the_trigger_and_a_viewer_only_looks(skein):
    skein.run("instance", "add", "shop", "--type", "http", "--address", "http://127.0.0.1:9")
    skein.run("instance", "add", "erp", "--type", "http", "--address", "http://127.0.0.1:9")
    skein.run("flow", "deploy", str(DEMO_FLOW), "--disabled")
    builder = skein.add_user("bea", role="builder")
    viewer = skein.add_user("vic", role="viewer")
    server, base = skein.serve_api()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            sign_in(page, base, "bea", builder)
            page.goto(base + "/flows/orders-to-erp")

            # The demo's schedule, previewed as soon as the form opens.
            page.click("#canvas-trigger")
            expect(page.locator("#trigger-kind")).to_have_value("schedule")
            expect(page.locator("#trigger-cron")).to_have_value("*/5 * * * *")
            expect(page.locator("#trigger-next-runs li")).to_have_count(5)

            # A bad expression says what is wrong; a good one lists the times the server computes.
            page.fill("#trigger-cron", "61 * * * *")
            expect(page.locator("#trigger-preview-note")).to_contain_text("minute value 61 is outside 0-59")
            expect(page.locator("#trigger-next-runs li")).to_have_count(0)
            page.fill("#trigger-cron", "0 9 * * MON-FRI")
            expect(page.locator("#trigger-next-runs li")).to_have_count(5)
            shown = page.locator("#trigger-next-runs li").all_inner_texts()
            printed = subprocess.run([skein.binary, "flow", "next-runs", "0 9 * * MON-FRI"], capture_output=True, text=True, check=True).stdout
            assert shown == printed.split("\n")[:5], shown
            assert all(re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri) \d{4}-\d\d-\d\d 09:00 UTC", line) for line in shown), shown
            page.click("#trigger-save")
            expect(page.locator(".notice", has_text="Saved the trigger to the draft")).to_be_visible()
            assert "0 9 * * MON-FRI" in draft_text(skein)

            # To a webhook: the URL with a fresh token; deployed, it takes a POST.
            page.click("#canvas-trigger")
            page.select_option("#trigger-kind", "webhook")
            url = page.locator("#trigger-webhook-url").inner_text()
            assert re.fullmatch(re.escape(base) + r"/webhooks/orders-to-erp/[0-9a-f]{32}", url), url
            page.click("#trigger-save")
            expect(page.locator(".notice", has_text="Saved the trigger to the draft")).to_be_visible()
            page.click("#draft-deploy")
            expect(page.locator(".notice", has_text="Deployed v2")).to_be_visible()
            skein.run("flow", "enable", "orders-to-erp")
            request = urllib.request.Request(url, data=json.dumps({"orders": []}).encode(), method="POST",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.status == 202 and json.loads(answer.read())["status"] == "queued"

            # A new token and an HMAC variable, into the draft; the deployed URL is unchanged until deployed.
            page.click("#canvas-trigger")
            expect(page.locator("#trigger-webhook-url")).to_have_text(url)
            page.check("#trigger-new-token")
            page.fill("#trigger-hmac", "SHOP_WEBHOOK_SECRET")
            page.click("#trigger-save")
            expect(page.locator(".notice", has_text="Saved the trigger to the draft")).to_be_visible()
            draft = draft_text(skein)
            old_token = url.rsplit("/", 1)[1]
            assert "hmac_secret_env: SHOP_WEBHOOK_SECRET" in draft and old_token not in draft, draft
            # Written plain, or double-quoted when it starts with a digit (YAML could read it as a number).
            assert re.search(r'token: ("[0-9a-f]{32}"|[0-9a-f]{32}(?![0-9a-f]))', draft), draft

            # A viewer sees the trigger read-only, and never the token.
            viewer_page = browser.new_page(viewport={"width": 390, "height": 800})
            sign_in(viewer_page, base, "vic", viewer)
            viewer_page.goto(base + "/flows/orders-to-erp")
            viewer_page.click("#canvas-trigger")
            expect(viewer_page.locator("#trigger-kind")).to_be_disabled()
            expect(viewer_page.locator("#trigger-webhook-url")).to_have_text("(its token is shown to operators and builders)")
            expect(viewer_page.locator("#trigger-save")).to_have_count(0)
            assert old_token not in viewer_page.content()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
