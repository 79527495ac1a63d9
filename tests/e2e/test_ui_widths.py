"""Every page of the web UI at a phone's width (390 px) and a laptop's (1280 px), in a real
browser (Playwright with Debian's chromium) against the real `skein serve` with real data: the
demo flow run against the demo shop and an ERP that fails, so there are failed runs, wide
payloads and failed sync entries; instances; a lookup table; an alert group with a flow naming it;
the text view of a flow and of a new flow.

On each page nothing may be wider than the window (`document.documentElement.scrollWidth <=
window.innerWidth`): the header wraps, tables scroll inside their own box, payloads scroll in
theirs. A screenshot of each page at each width is saved under
tests/e2e/artifacts/screenshots/widths (git-ignored) for people to look at."""
import shutil

from playwright.sync_api import expect, sync_playwright

from conftest import make_erp
from browser_support import launch_chromium
from test_ui_browser import SCREENSHOTS, deploy

WIDTHS = (390, 1280)
SHOTS = SCREENSHOTS / "widths"
ALERTING = """
id: orders-out
alerts:
  on_failure: [ops]
shapes:
  - id: check
    assert: { condition: '$exists(order)', message: no order }
"""


def pages():
    """(name, path, what the page shows) for every page a signed-in user sees."""
    return [
        ("dashboard", "/", "Dashboard"),
        ("flows", "/flows", "Flows"),
        ("flow", "/flows/orders-sync", "Paid shop orders"),
        ("runs", "/runs", "Run"),
        ("run", "/runs/2", "Run 2"),
        ("payload", "/runs/2/payloads/1/0", "Payload"),
        ("sync-report", "/sync", "Sync report"),
        ("playground", "/playground?run=2&sequence=1&index=0", "Expression playground"),
        ("alerts", "/alerts", "Alerts"),
        ("blueprints", "/blueprints", "Blueprints"),
        ("lookups", "/lookups", "Lookups"),
        ("lookup-table", "/lookups/shipping-codes", "shipping-codes"),
        ("text-view", "/flows/orders-sync/text", "orders-sync as text"),
        ("new-flow-text", "/drafts/new", "New flow"),
        ("instances", "/instances", "Instances"),
        ("error", "/runs/987654", "Not found"),
    ]


def assert_fits(page, name, width):
    """Nothing on the page is wider than the window; the screenshot is taken either way."""
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1]:
        culprits = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 0.5)
            .slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))""")
        raise AssertionError(f"{name} at {width} px is {widths[0]} px wide; too wide: {culprits}")


def test_every_page_fits_a_phone_and_a_laptop(skein, shop, tmp_path):
    erp = make_erp(fail_first=10_000)  # down: runs fail, sync entries fail
    server = None
    try:
        skein.add_demo_instances(shop, erp)
        deploy(skein, tmp_path, "orders-to-erp", sync=False)
        deploy(skein, tmp_path, "orders-sync", sync=True)
        (tmp_path / "alerting.yaml").write_text(ALERTING)
        skein.run("flow", "deploy", str(tmp_path / "alerting.yaml"))
        skein.run("instance", "add", "mail", "--type", "smtp", "--address", "smtp://127.0.0.1:2525")
        skein.run("alert-group", "create", "ops", "--email", "ops@example.com", "--webhook",
                  "https://hooks.example.com/services/a-rather-long-path-that-holds-a-secret-and-is-masked")
        assert skein.run("run", "orders-to-erp", check=False).returncode == 1  # run 1
        skein.run("run", "orders-sync")  # run 2: failed sync entries
        skein.run("lookup", "create", "shipping-codes", "--description", "shop shipping method to the carrier the warehouse knows", "--default", "STD")
        skein.run("lookup", "set", "shipping-codes", "express-next-day-before-noon-signature-required", "DHL-EXPRESS-0900-SIGNED")
        password = skein.add_user("wanda", role="builder")
        server, base = skein.serve_api()
        if SHOTS.exists():
            shutil.rmtree(SHOTS)
        SHOTS.mkdir(parents=True)

        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 844 if width < 600 else 800})
                page.goto(base + "/")
                expect(page.locator("#username")).to_be_visible()
                assert_fits(page, "login", width)
                page.fill("#username", "wanda")
                page.fill("#password", password)
                page.click("button[type=submit]")
                expect(page.locator("h1")).to_have_text("Dashboard")
                for name, path, heading in pages():
                    page.goto(base + path)
                    expect(page.locator("h1")).to_contain_text(heading)
                    assert_fits(page, name, width)
                page.close()
            browser.close()
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        erp.shutdown()
