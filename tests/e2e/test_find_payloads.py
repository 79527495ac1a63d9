"""Finding one item among many payloads (issue 19, item 5): a step that split 400 orders into
400 payloads; order #1017 is found by reference, by text and by a JSONata condition, through
`skein payload find` and on the run's step payload page in a real browser, and every payload
can be paged through."""
import json

from playwright.sync_api import expect, sync_playwright

from browser_support import launch_chromium

ORDERS = [{"id": 5000 + n, "name": f"#{1000 + n}", "total_price": str(10 + n), "note": f"order for customer {n}"} for n in range(400)]


def deploy_split_flow(skein, tmp_path):
    flow = {"id": "many-orders", "trigger": "manual", "shapes": [
        {"id": "source", "payload": {"json": {"orders": ORDERS}}},
        {"id": "each", "split": {"path": "orders"}},
    ]}
    path = tmp_path / "many-orders.json"
    path.write_text(json.dumps(flow))
    skein.run("flow", "deploy", str(path))
    skein.run("run", "many-orders")


def test_find_order_1017_among_400_payloads_in_the_cli(skein, tmp_path):
    deploy_split_flow(skein, tmp_path)
    by_reference = skein.json("payload", "find", "1", "each", "--reference", "#1017")
    assert by_reference["payloads"] == 400 and by_reference["matched"] == 1
    assert [m["index"] for m in by_reference["matches"]] == [17]
    assert json.loads(skein.run("payload", "show", "1", "each", "--index", "17").stdout)["name"] == "#1017"
    assert [m["index"] for m in skein.json("payload", "find", "1", "each", "--text", "CUSTOMER 17\"")["matches"]] == [17]
    assert [m["index"] for m in skein.json("payload", "find", "1", "each", "--where", "name = '#1017'")["matches"]] == [17]
    assert skein.json("payload", "find", "1", "each", "--reference", "5017")["matched"] == 1  # a number matches its text

    # Paging through all of them: 400 in pages of 150.
    seen, offset = [], 0
    while offset is not None:
        page = skein.json("payload", "find", "1", "each", "--limit", "150", "--offset", str(offset))
        seen += [m["index"] for m in page["matches"]]
        offset = page["next_offset"]
    assert seen == list(range(400))
    text = skein.run("payload", "find", "1", "each", "--where", "$number(total_price) >= 400").stdout
    assert text.splitlines()[0] == "10 of 400 payloads of step 2 match"

    bad = skein.run("payload", "find", "1", "each", "--where", "name = = 1", check=False)
    assert bad.returncode != 0 and "where is not a valid JSONata expression" in bad.stderr
    slow = skein.run("payload", "find", "1", "each", "--where", "$count([1..10000000])", check=False)
    assert slow.returncode != 0 and "where failed on payload 0" in slow.stderr


def test_find_order_1017_among_400_payloads_in_the_browser(skein, tmp_path):
    deploy_split_flow(skein, tmp_path)
    password = skein.add_user("vera", role="viewer")
    server, base = skein.serve_api()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(base + "/runs/1")
            page.fill("#username", "vera")
            page.fill("#password", password)
            page.click("button[type=submit]")
            expect(page).to_have_url(f"{base}/runs/1")

            page.click("#step-2 >> text=all 400 / find")
            expect(page.locator("#payload-matches")).to_contain_text("400 of 400 payloads match")
            expect(page.locator("#payload-list tbody tr")).to_have_count(100)
            page.click("text=Next →")
            expect(page.locator("#payload-matches")).to_contain_text("showing 101–200")

            page.fill("#payload-search input[name=reference]", "#1017")
            page.click("#payload-search button[type=submit]")
            expect(page.locator("#payload-matches")).to_contain_text("1 of 400 payloads match")
            expect(page.locator("#payload-list tbody tr")).to_have_count(1)
            page.click("#payload-list a.eye")
            expect(page.locator("body")).to_contain_text("#1017")

            page.go_back()
            page.fill("#payload-search input[name=reference]", "")
            page.fill("#payload-search input[name=where]", "$number(total_price) = 27")
            page.click("#payload-search button[type=submit]")
            expect(page.locator("#payload-matches")).to_contain_text("1 of 400 payloads match")
            expect(page.locator("#payload-list a.eye")).to_have_text("17")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
