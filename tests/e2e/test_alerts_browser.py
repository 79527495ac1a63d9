"""The Alerts page in a real browser (Playwright with Debian's chromium, set up as in
test_ui_browser.py) against the real `skein serve`: a builder creates a notification group with
the page's form and edits it; a viewer sees the group, its masked webhook URL and the flow naming
it, without any form."""
from playwright.sync_api import expect, sync_playwright

from browser_support import launch_chromium, sign_in
from test_ui_browser import SCREENSHOTS

FLOW = """
id: orders-out
alerts:
  on_failure: [ops]
shapes:
  - id: check
    assert: { condition: '$exists(order)', message: no order }
"""
HOOK = "https://hooks.slack.com/services/T000/B000/very-secret-path"



def test_a_builder_creates_a_group_and_a_viewer_reads_it(skein, tmp_path):
    (tmp_path / "flow.yaml").write_text(FLOW)
    skein.run("flow", "deploy", str(tmp_path / "flow.yaml"))
    skein.run("instance", "add", "mail", "--type", "smtp", "--address", "smtp://127.0.0.1:2525")
    builder = skein.add_user("bea", role="builder")
    viewer = skein.add_user("vic", role="viewer")
    server, base = skein.serve_api()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("dialog", lambda dialog: dialog.accept())

            # The builder: the Alerts link, an empty list, a flow naming a group that does not exist yet.
            sign_in(page, base, "bea", builder, landing="/alerts")
            page.click("nav >> text=Alerts")
            expect(page.locator("h1")).to_have_text("Alerts")
            expect(page.locator("#no-groups")).to_be_visible()
            expect(page.locator("#missing-groups")).to_contain_text("ops")

            # A bad address is refused with the operation's message, naming it.
            page.fill("#new-name", "ops")
            page.fill("#new-emails", "not-an-address")
            page.click("#create-group")
            expect(page.locator(".notice.error[role=alert]")).to_contain_text("'not-an-address' is not an email address")

            page.fill("#new-name", "ops")
            page.fill("#new-emails", "ops@example.com\noncall@example.com")
            page.fill("#new-webhooks", HOOK)
            page.select_option("#new-instance", "mail")
            page.click("#create-group")
            expect(page.locator(".notice[role=status]")).to_contain_text("Created alert group 'ops'")
            row = page.locator("#group-ops")
            expect(row).to_contain_text("ops@example.com, oncall@example.com")
            expect(row).to_contain_text("https://hooks.slack.com/…")
            expect(row).to_contain_text("mail")
            expect(row.locator("a[href='/flows/orders-out']")).to_be_visible()
            expect(page.locator("#missing-groups")).to_have_count(0)
            assert "very-secret-path" not in page.content()

            # Editing: the stored webhook URL is kept (never shown) while the addresses change.
            row.locator("summary", has_text="Edit").click()
            row.locator("textarea[name=emails]").fill("ops@example.com")
            row.locator("button", has_text="Save").click()
            expect(page.locator(".notice[role=status]")).to_contain_text("Saved alert group 'ops'")
            expect(page.locator("#group-ops")).not_to_contain_text("oncall@example.com")
            expect(page.locator("#group-ops")).to_contain_text("https://hooks.slack.com/…")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "alerts.png"), full_page=True)
            page.click("text=Sign out")

            # The viewer: the same group, read-only.
            sign_in(page, base, "vic", viewer, landing="/alerts")
            expect(page.locator("#group-ops")).to_contain_text("ops@example.com")
            expect(page.locator("#group-ops")).to_contain_text("https://hooks.slack.com/…")
            expect(page.locator("#group-ops a[href='/flows/orders-out']")).to_be_visible()
            expect(page.locator("main form")).to_have_count(0)
            expect(page.locator("#new-group")).to_have_count(0)
            expect(page.locator("#group-ops >> text=Edit")).to_have_count(0)
            expect(page.locator("#no-alerts")).to_be_visible()
            browser.close()
        shown = skein.json("alert-group", "show", "ops")
        assert shown["emails"] == ["ops@example.com"] and shown["smtp_instance"] == "mail"
    finally:
        server.terminate()
        server.wait(timeout=30)
