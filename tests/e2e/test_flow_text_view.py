"""The text view of a draft in a real browser (Playwright with Debian's chromium) against the
real `skein serve`: a builder starts a new flow from the Flows page, pastes its YAML with a
misspelt field, sees the located problem (a lint mark on its line and the list), fixes it,
saves, deploys; the deployed version's text is exactly what was typed, comments included. Then
an edit of the deployed flow is saved as a draft, discarded, and a viewer sees the text
read-only without the builder's buttons. CodeMirror is served by skein itself (no CDN)."""
import json
import urllib.request

from playwright.sync_api import expect, sync_playwright

from browser_support import launch_chromium, sign_in

TYPED = """# Orders in, a check, nothing out yet.
id: typed-flow
name: Typed flow
trigger: manual
shapes:
  # the one check: every payload must carry an order
  - id: check
    assert: { condition: '$exists(order)', mesage: no order }
"""
FIXED = TYPED.replace("mesage:", "message:")



def replace_text(page, text):
    """Selects everything in the editor and pastes `text` (inserted as is, no auto-indent)."""
    page.click(".CodeMirror")
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def test_a_builder_writes_a_new_flow_as_text_and_deploys_it_with_its_comments(skein):
    builder = skein.add_user("tess", role="builder")
    viewer = skein.add_user("vera", role="viewer")
    server, base = skein.serve_api()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("dialog", lambda dialog: dialog.accept())
            served = []
            page.on("request", lambda request: served.append(request.url))
            sign_in(page, base, "tess", builder, landing="/flows")

            page.click("#new-flow-text")
            expect(page.locator("h1")).to_have_text("New flow")
            expect(page.locator(".CodeMirror")).to_be_visible()
            replace_text(page, TYPED)
            # The located message: in the list, and as a lint mark on line 8 (the assert line).
            expect(page.locator("#problems li.error-text")).to_have_text("line 8: shapes[0].assert.mesage: unknown field 'mesage'")
            marked = page.locator(".CodeMirror-lint-marker-error")
            expect(marked).to_have_count(1)
            expect(page.locator(".CodeMirror-code > div").nth(7).locator(".CodeMirror-lint-marker-error")).to_have_count(1)

            replace_text(page, FIXED)
            expect(page.locator("#problems li.ok-text")).to_be_visible()
            expect(marked).to_have_count(0)
            page.click("#save-draft")  # a new flow: the draft is created and the page becomes its text view
            expect(page).to_have_url(f"{base}/flows/typed-flow/text?notice=Saved%20the%20first%20draft%20of%20typed-flow.")
            expect(page.locator("#draft-state")).to_contain_text("Draft saved by tess")
            expect(page.locator("#problems li.ok-text")).to_be_visible()
            page.click("#deploy-draft")
            expect(page).to_have_url(f"{base}/flows/typed-flow?notice=Deployed%20version%201%20from%20the%20draft.")
            assert skein.run("flow", "draft", "show", "typed-flow").stdout == FIXED  # no draft left: version 1's text, as typed
            assert all(url.startswith(base) for url in served), [u for u in served if not u.startswith(base)]
            assert any(url.endswith("/assets/codemirror/codemirror.js") for url in served)

            # A change saved as a draft and discarded: version 1 stays the only version.
            page.click("#open-text")
            expect(page.locator("#draft-state")).to_contain_text("No draft: this is version 1")
            expect(page.locator(".CodeMirror-code")).to_contain_text("# the one check")
            replace_text(page, FIXED.replace("name: Typed flow", "name: Typed flow, renamed"))
            page.click("#save-draft")
            expect(page.locator("#draft-notice")).to_have_text("Draft saved.")
            assert "renamed" in skein.run("flow", "draft", "show", "typed-flow").stdout
            page.click("#discard-draft")
            expect(page.locator(".notice[role=status]").first).to_contain_text("Discarded the draft.")
            expect(page.locator("#draft-state")).to_contain_text("No draft: this is version 1")
            assert [v["version"] for v in skein.json("flow", "versions", "typed-flow")] == [1]
            page.close()

            # A viewer: the text, read-only, without the builder's buttons; the API refuses a save.
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            sign_in(page, base, "vera", viewer, landing="/flows/typed-flow/text")
            expect(page.locator("#read-only")).to_be_visible()
            expect(page.locator("#save-draft, #deploy-draft, #discard-draft")).to_have_count(0)
            expect(page.locator(".CodeMirror-code")).to_contain_text("# Orders in, a check")
            page.click(".CodeMirror")
            page.keyboard.insert_text("typed by a viewer")
            expect(page.locator(".CodeMirror-code")).not_to_contain_text("typed by a viewer")
            status = page.evaluate("""async () => (await fetch('/api/v1/flows/typed-flow/draft', {method: 'PUT', credentials: 'same-origin',
                headers: {'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content}, body: 'id: typed-flow'})).status""")
            assert status == 403
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_validate_route_locates_problems_on_their_lines(skein):
    skein.add_user("lou", role="builder")
    token = skein.create_token("lou")
    server, base = skein.serve_api()
    try:
        def validate(text):
            request = urllib.request.Request(base + "/api/v1/flows/validate", data=text.encode(), method="POST",
                                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"})
            with urllib.request.urlopen(request) as answer:
                return json.load(answer)

        assert validate(TYPED)["problems"] == [{"path": "shapes[0].assert.mesage", "message": "unknown field 'mesage'", "line": 8}]
        as_json = json.dumps({"id": "j", "trigger": "manual", "shapes": [{"id": "a", "assert": {"condition": "true", "oops": 1}}]}, indent=2)
        problem = validate(as_json)["problems"][0]
        assert problem["path"] == "shapes[0].assert.oops" and as_json.splitlines()[problem["line"] - 1].strip().startswith('"oops"'), problem
        broken = validate("id: x\nshapes: [\n")["problems"][0]
        assert broken["line"] is not None and broken["message"].startswith("invalid YAML: line"), broken
    finally:
        server.terminate()
        server.wait(timeout=30)
