"""The Instances page in a real browser (Playwright with Debian's chromium) against the real
`skein serve` and a real HTTP server on 127.0.0.1 that answers 401 unless it gets the right
bearer token: a builder adds an HTTP instance with its secret, tests it (the same verdict as
`skein instance test`), edits it with the secret left blank (the stored one is kept: the test
still passes), and the secret appears in no page and no API answer; a viewer sees the list but
cannot add, edit or delete, and the API refuses their save. An instance a deployed flow uses
cannot be deleted (page, API and CLI give the same refusal)."""
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import expect, sync_playwright

from api_client import API
from browser_support import launch_chromium, sign_in

SECRET = "s3cret-token-never-shown-4711"
USES = """
id: uses-guarded
trigger: manual
shapes:
  - id: check
    assert: {{ condition: 'true', message: never }}
{shape}"""
USING = "  - id: fetch\n    http: { instance: guarded, direction: receive, method: GET, path: /orders }\n"
NOT_USING = ""


class Guarded(BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.headers.get("Authorization") == f"Bearer {SECRET}"
        body = b'{"ok": true}' if ok else b'{"error": "who are you"}'
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass



def test_a_builder_adds_tests_and_edits_an_instance_without_ever_seeing_its_secret(skein, tmp_path):
    skein_dir = tmp_path
    system = ThreadingHTTPServer(("127.0.0.1", 0), Guarded)
    threading.Thread(target=system.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{system.server_port}/api"
    builder = skein.add_user("ines", role="builder")
    viewer = skein.add_user("vick", role="viewer")
    server, base = skein.serve_api()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("dialog", lambda dialog: dialog.accept())
            answers = []

            def keep(response):
                if "/api/" in response.url or response.request.resource_type == "document":
                    try:
                        answers.append(response.text())
                    except Exception:
                        pass  # redirects have no body
            page.on("response", keep)
            sign_in(page, base, "ines", builder, landing="/instances")
            expect(page.locator("#no-instances")).to_be_visible()

            # Add: an HTTP instance with a bearer token.
            page.click("#add-instance")
            page.fill("#instance-name", "guarded")
            page.select_option("#instance-type", "http")
            page.fill("#instance-address", address)
            page.fill("#instance-settings", '{"auth": "bearer"}')
            page.click("#add-credential")
            page.fill("#instance-credentials .credential-name", "token")
            page.fill("#instance-credentials .credential-value", SECRET)
            with page.expect_navigation():
                page.click("#save-instance")
            expect(page.locator(".notice[role=status]")).to_have_text("Added instance 'guarded'.")
            row = page.locator("#instance-guarded")
            expect(row).to_contain_text("token")

            # Test: the verdict `skein instance test` prints.
            row.locator("[data-test]").click()
            expect(row.locator(".verdict")).to_contain_text("ok: instance 'guarded': reachable")
            cli = skein.run("instance", "test", "guarded").stdout.strip()
            assert cli.startswith("ok: instance 'guarded': reachable, GET " + address), cli

            # Edit with the secret left blank: the stored one is kept, the test still passes.
            row.locator("[data-edit]").click()
            expect(page.locator("#instance-credentials .credential-value")).to_have_value("")
            expect(page.locator("#instance-credentials .credential-value")).to_have_attribute("type", "password")
            page.fill("#instance-rate-limit", "5/s")
            with page.expect_navigation():
                page.click("#save-instance")
            expect(page.locator(".notice[role=status]")).to_have_text("Saved instance 'guarded'.")
            row.locator("[data-test]").click()
            expect(row.locator(".verdict")).to_contain_text("ok: instance 'guarded': reachable")
            assert skein.json("instance", "list")[0]["rate_limit"] == "5/second"

            # A wrong secret: the page shows the failed verdict.
            row.locator("[data-edit]").click()
            page.fill("#instance-credentials .credential-value", "wrong-token")
            with page.expect_navigation():
                page.click("#save-instance")
            expect(page.locator(".notice[role=status]")).to_have_text("Saved instance 'guarded'.")
            row.locator("[data-test]").click()
            expect(row.locator(".verdict")).to_contain_text("failed: instance 'guarded': GET")
            row.locator("[data-edit]").click()
            page.fill("#instance-credentials .credential-value", SECRET)
            with page.expect_navigation():
                page.click("#save-instance")
            expect(page.locator(".notice[role=status]")).to_have_text("Saved instance 'guarded'.")

            answers.append(page.content())
            answers.append(page.evaluate("fetch('/api/v1/instances').then((r) => r.text())"))
            answers.append(page.evaluate("fetch('/api/v1/instances/guarded').then((r) => r.text())"))
            assert answers and not [a for a in answers if SECRET in a], "the secret was shown back"
            page.close()

            # A viewer: the list, no buttons that change anything; the API refuses a save.
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            sign_in(page, base, "vick", viewer, landing="/instances")
            expect(page.locator("#instance-guarded")).to_contain_text("token")
            expect(page.locator("#add-instance, [data-edit], [data-delete], #instance-dialog")).to_have_count(0)
            assert SECRET not in page.content()
            status = page.evaluate("""async () => (await fetch('/api/v1/instances/other', {method: 'PUT', credentials: 'same-origin',
                headers: {'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content, 'Content-Type': 'application/json'},
                body: JSON.stringify({type: 'http', address: 'http://127.0.0.1:1'})})).status""")
            assert status == 403
            page.close()

            # Delete (asks first) as the builder: refused while a deployed flow uses the instance,
            # by the page, the API and the CLI alike (one rule: InstanceOperations.delete).
            (skein_dir / "uses.yaml").write_text(USES.format(shape=USING))
            skein.run("flow", "deploy", str(skein_dir / "uses.yaml"))
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("dialog", lambda dialog: dialog.accept())
            sign_in(page, base, "ines", builder, landing="/instances")
            page.locator("#instance-guarded [data-delete]").click()
            refusal = "instance 'guarded' is used by flow 'uses-guarded'; change it to use another instance first"
            expect(page.locator("#instance-error")).to_have_text(refusal)
            removed = skein.run("instance", "remove", "guarded", check=False)
            assert removed.returncode != 0 and refusal in removed.stderr, removed
            (skein_dir / "uses.yaml").write_text(USES.format(shape=NOT_USING))
            skein.run("flow", "deploy", str(skein_dir / "uses.yaml"))  # v2 no longer uses it
            with page.expect_navigation():
                page.locator("#instance-guarded [data-delete]").click()
            expect(page.locator(".notice[role=status]")).to_have_text("Deleted instance 'guarded'.")
            expect(page.locator("#no-instances")).to_be_visible()
            browser.close()
        assert skein.json("instance", "list") == []
    finally:
        server.terminate()
        server.wait(timeout=30)
        system.shutdown()


def test_a_blank_credential_without_a_stored_value_is_refused(skein):
    skein.add_user("bo", role="builder")
    token = skein.create_token("bo")
    server, base = skein.serve_api()
    try:
        request = urllib.request.Request(base + "/api/v1/instances/fresh", method="PUT",
                                         data=json.dumps({"type": "http", "address": "http://127.0.0.1:9", "credentials": {"token": ""}}).encode(),
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request)
            raise AssertionError("an empty credential was accepted")
        except urllib.error.HTTPError as error:
            body = json.load(error)
            assert error.code == 400 and "credential 'token' is empty" in body["error"]["message"], body
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_cli_and_the_api_save_instances_by_one_rule_and_both_are_audited(skein):
    """`skein instance add` and `PUT /api/v1/instances/{name}` go through InstanceOperations.save:
    the same refusal for the same bad value, and an audit entry for each (never the secret)."""
    skein.add_user("ada", role="admin")
    token = skein.create_token("ada")
    server, base = skein.serve_api()

    api = API(base, token)

    def put(name, body):
        answer = api.call("PUT", f"/api/v1/instances/{name}", body=body)
        return answer.status, answer.json

    try:
        status, body = put("moon", {"type": "http", "address": "http://127.0.0.1:9", "time_zone": "Mars/Olympus"})
        assert status == 400 and body["error"]["field"] == "time_zone", body
        added = skein.run("instance", "add", "moon", "--type", "http", "--address", "http://127.0.0.1:9", "--time-zone", "Mars/Olympus", check=False)
        assert added.returncode != 0 and f"--time-zone: {body['error']['message']}" in added.stderr, added.stderr

        skein.run("instance", "add", "shop", "--type", "http", "--address", "http://127.0.0.1:9", "--credential", f"token={SECRET}")
        status, body = put("shop", {"address": "http://127.0.0.1:10", "rate_limit": "5/s"})
        assert status == 200 and body["address"] == "http://127.0.0.1:10" and body["credentials"] == ["token"], body
        entries = [e for e in api.get("/api/v1/audit?limit=50").json["entries"] if e["target"] == "instance:shop"]
        assert [(e["actor"], e["action"], e["details"]["credentials_changed"]) for e in reversed(entries)] == [
            ("skein (cli)", "instance.create", True), ("ada (token)", "instance.update", False)], entries
        assert SECRET not in json.dumps(entries)
    finally:
        server.terminate()
        server.wait(timeout=30)
