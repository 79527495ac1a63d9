"""Access control end to end: the real `skein serve`, real HTTP clients. Every API route in the
OpenAPI document answers 401 without credentials; sign-in sets a strict session cookie;
unsafe session requests without the CSRF token (or from another site) are refused; tokens
work until revoked; roles are enforced; the first start prints a one-time admin password."""
import re
import urllib.parse
from pathlib import Path

import pytest

from api_client import API
from conftest import wait_for


@pytest.fixture
def server(skein):
    admin_password = skein.add_user("root", "admin")
    skein.add_user("vera", "viewer")
    skein.add_user("otto", "operator")
    tokens = {role: skein.create_token(user, name=f"{role}-token") for role, user in
              [("admin", "root"), ("viewer", "vera"), ("operator", "otto")]}
    process, base = skein.serve_api()
    yield {"base": base, "tokens": tokens, "admin_password": admin_password}
    process.terminate()
    process.wait(timeout=30)


def concrete(path):
    """An OpenAPI path with its parameters filled in."""
    return re.sub(r"\{[^}]+\}", lambda m: "1" if m.group(0) in ("{run}", "{id}", "{index}", "{version}") else "x", path)


def test_every_api_route_answers_401_without_credentials(server):
    document = API(server["base"], server["tokens"]["viewer"]).get("/api/v1/openapi.json").json
    anonymous = API(server["base"])
    checked = 0
    for path, item in document["paths"].items():
        for method in item:
            answer = anonymous.call(method.upper(), "/api/v1" + concrete(path), body={} if method != "get" else None)
            assert answer.status == 401, (method, path, answer)
            assert answer.code == "unauthenticated", (method, path, answer)
            checked += 1
    assert checked >= 40
    # A wrong token is no better than none.
    assert API(server["base"], "skn_forged").get("/api/v1/runs").status == 401


def test_pages_redirect_to_login_and_sign_in_sets_a_strict_cookie(server):
    browser = API(server["base"])
    page = browser.get("/runs?status=failure")
    assert page.status == 303 and page.headers["Location"] == "/login?next=%2Fruns%3Fstatus%3Dfailure"
    assert "<form" in browser.get("/login").text

    wrong = browser.login("root", "not-the-password")
    assert wrong.status == 401 and "wrong username or password" in wrong.text
    signed_in = browser.login("root", server["admin_password"])
    assert signed_in.status == 303 and signed_in.headers["Location"] == "/api/v1/me"
    cookie = signed_in.headers["Set-Cookie"]
    assert "skein_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http on 127.0.0.1 (auto)
    me = browser.get("/api/v1/me").json
    assert me["username"] == "root" and me["role"] == "admin" and me["method"] == "session"

    # Behind a TLS-terminating proxy the cookie is Secure.
    proxied = API(server["base"])
    form = urllib.parse.urlencode({"username": "vera", "password": "vera-password-123"}).encode()
    answer = proxied.call("POST", "/login", raw=form, content_type="application/x-www-form-urlencoded", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in answer.headers["Set-Cookie"]


def test_unsafe_session_requests_need_the_csrf_token_and_the_same_origin(server):
    browser = API(server["base"])
    browser.login("root", server["admin_password"])
    flow = "/api/v1/flows/nope/disable"

    # A cross-site form post: another origin, no CSRF field.
    form = b"confirm=yes"
    cross_site = browser.call("POST", flow, raw=form, content_type="application/x-www-form-urlencoded",
                              headers={"Origin": "https://evil.example"})
    assert cross_site.status == 403 and cross_site.code == "csrf_failed"
    # Same origin but no token.
    no_token = browser.call("POST", flow, raw=form, content_type="application/x-www-form-urlencoded")
    assert no_token.status == 403 and no_token.code == "csrf_failed"
    wrong_token = browser.post(flow, {}, headers={"X-CSRF-Token": "guess"})
    assert wrong_token.status == 403
    # With the session's token the request reaches the route (the flow does not exist).
    allowed = browser.post(flow, {}, headers={"X-CSRF-Token": browser.csrf})
    assert allowed.status == 404 and allowed.code == "not_found"
    form_allowed = browser.call("POST", flow, raw=f"_csrf={browser.csrf}".encode(), content_type="application/x-www-form-urlencoded")
    assert form_allowed.status == 404

    # Logout is an unsafe request too; afterwards the cookie is worthless.
    assert browser.call("POST", "/logout", raw=b"", content_type="application/x-www-form-urlencoded").status == 403
    out = browser.call("POST", "/logout", raw=f"_csrf={browser.csrf}".encode(), content_type="application/x-www-form-urlencoded")
    assert out.status == 303 and out.headers["Location"] == "/login"
    assert browser.get("/api/v1/me").status == 401


def test_roles_tokens_and_the_audit_log(skein, server):
    base = server["base"]
    viewer, operator, admin = (API(base, server["tokens"][r]) for r in ("viewer", "operator", "admin"))
    assert viewer.get("/api/v1/runs").status == 200
    resync = viewer.post("/api/v1/sync/resync", {"ids": [1]})
    assert resync.status == 403 and resync.code == "forbidden" and "operator" in resync.json["error"]["message"]
    assert operator.post("/api/v1/sync/resync", {"ids": [999]}).status == 404  # allowed, but no such entry
    assert operator.get("/api/v1/users").status == 403
    assert viewer.post("/api/v1/flows", raw=b"id: x", content_type="application/yaml").status == 403

    created = admin.post("/api/v1/tokens", {"name": "script", "username": "vera"})
    assert created.status == 201 and created.json["token"].startswith("skn_") and created.json["role"] == "viewer"
    script = API(base, created.json["token"])
    assert script.get("/api/v1/me").json["username"] == "vera"
    listed = admin.get("/api/v1/tokens").json["tokens"]
    assert all("token" not in t and created.json["token"] not in str(t) for t in listed)
    assert admin.call("DELETE", f"/api/v1/tokens/{created.json['id']}").status == 204
    assert script.get("/api/v1/me").status == 401

    user = admin.post("/api/v1/users", {"username": "nina", "password": "short", "role": "builder"})
    assert user.status == 400 and user.json["error"]["field"] == "password"
    assert admin.post("/api/v1/users", {"username": "nina", "password": "long enough pw", "role": "builder"}).status == 201
    assert admin.post("/api/v1/users", {"username": "nina", "password": "long enough pw"}).status == 409
    assert API(base).login("nina", "long enough pw").status == 303

    audit = admin.get("/api/v1/audit").json["entries"]
    actions = [(e["actor"], e["action"], e["target"]) for e in audit]
    assert ("root (token)", "token.create", f"token:{created.json['id']}") in actions
    assert ("root (token)", "token.revoke", f"token:{created.json['id']}") in actions
    assert ("root (token)", "user.create", "user:nina") in actions
    assert ("nina", "user.login", "user:nina") in actions
    assert viewer.get("/api/v1/audit").status == 403
    # The CLI's changes are audited too.
    assert any(e["action"] == "user.create" and e["actor"] == "skein (cli)" for e in audit)


def test_first_start_creates_admin_with_a_printed_one_time_password(skein):
    process, base = skein.serve_api()
    try:
        logs = sorted(p for p in Path(skein.data_dir).glob("serve-*.log"))
        text = wait_for(lambda: "one-time password" in logs[-1].read_text() and logs[-1].read_text(), what="the admin password")
        password = re.search(r"one-time password\s+(\S+)", text).group(1)
        browser = API(base)
        assert browser.login("admin", password).status == 303
        assert browser.get("/api/v1/me").json["role"] == "admin"
    finally:
        process.terminate()
        process.wait(timeout=30)
    users = skein.json("user", "list")
    assert [u["username"] for u in users] == ["admin"]
    # A second start with users does not make another.
    process, _ = skein.serve_api()
    process.terminate()
    process.wait(timeout=30)
    assert "one-time password" not in sorted(Path(skein.data_dir).glob("serve-*.log"))[-1].read_text()


def test_two_api_processes_on_one_postgres_database_make_one_first_admin(skein, postgres_url, monkeypatch):
    """Two `serve --role api` processes starting together on an empty PostgreSQL database: exactly
    one creates `admin` and prints its password; sessions and tokens work on either process."""
    monkeypatch.setenv("SKEIN_DATABASE", postgres_url)
    Path(skein.data_dir).mkdir(parents=True, exist_ok=True)
    processes = [skein.serve("--role", "api") for _ in range(2)]
    try:
        bases = [f"http://127.0.0.1:{skein.listening_port(process)}" for process in processes]
        for base in bases:
            wait_for(lambda: _answers(base), what=f"{base}/health")
        logs = sorted(Path(skein.data_dir).glob("serve-*.log"))
        assert len(logs) == 2
        texts = [log.read_text() for log in logs]
        printed = [re.search(r"one-time password\s+(\S+)", text) for text in texts]
        assert sum(match is not None for match in printed) == 1, texts
        password = next(match.group(1) for match in printed if match)
        assert [u["username"] for u in skein.json("user", "list")] == ["admin"]

        browsers = [API(base) for base in bases]
        for browser in browsers:
            assert browser.login("admin", password).status == 303
            assert browser.get("/api/v1/me").json["role"] == "admin"
        token = skein.create_token("admin", role="viewer", name="pg-token")
        for base in bases:
            assert API(base, token).get("/api/v1/runs").status == 200
        assert skein.run("token", "list").stdout.count("pg-token") == 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _answers(base):
    import urllib.request
    try:
        with urllib.request.urlopen(base + "/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
