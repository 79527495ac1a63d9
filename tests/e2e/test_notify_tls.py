"""Mail over TLS end to end: the notify shape and `skein instance test` through the real binary
against a real SMTP server (aiosmtpd) speaking STARTTLS or TLS from the first byte, with a test CA
made by openssl for each test (its keys live in the test's temporary directory only).

The certificate must lead to a CA the instance trusts (`ca_file`) and name the host the address
names; the password is never sent before TLS is up, nor over plain SMTP unless the instance
allows it (`allow_plaintext_auth`)."""
import json
import ssl
import subprocess

import pytest

from conftest import smtp_controller

PASSWORD = "s3cret-tls-pass"

FLOW = """
id: tell-ops
shapes:
  - id: each
    split: { path: orders }
  - id: mail
    notify:
      email:
        instance: mail
        from: Skein <skein@example.com>
        to: ops@example.com
        subject: "Order {{order_number}} was not sent"
        body: "Order {{order_number}} failed."
"""


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def certificates(tmp_path):
    """A test CA; a server certificate it signed for 127.0.0.1 and localhost; one it signed for
    another name only; and a CA the instances never trust. Returns their file paths."""
    directory = tmp_path / "pki"
    directory.mkdir()

    def ca(name):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-keyout", f"{name}.key", "-out", f"{name}.pem", "-subj", f"/CN=Skein test {name}",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)

    def server(name, ca_name, names):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f"{name}.key",
                "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=directory)
        (directory / f"{name}.ext").write_text(f"subjectAltName={names}\nextendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca_name}.pem", "-CAkey", f"{ca_name}.key", "-CAcreateserial",
                "-days", "2", "-extfile", f"{name}.ext", "-out", f"{name}.pem", cwd=directory)

    ca("ca")
    ca("other-ca")
    server("server", "ca", "IP:127.0.0.1,DNS:localhost")
    server("elsewhere", "ca", "DNS:mail.example.com")
    server("untrusted", "other-ca", "IP:127.0.0.1,DNS:localhost")
    return {name: str(directory / f"{name}.pem") for name in ("ca", "server", "elsewhere", "untrusted")} | {
        "keys": {name: str(directory / f"{name}.key") for name in ("server", "elsewhere", "untrusted")}}


def server_context(certificates, name="server"):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates[name], certificates["keys"][name])
    return context


class Inbox:
    """Keeps each message with the TLS version it came over (None: plain text), and each AUTH attempt."""

    def __init__(self):
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        tls = server.transport.get_extra_info("ssl_object")
        self.messages.append((envelope, tls.version() if tls else None))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult
        tls = server.transport.get_extra_info("ssl_object")
        self.logins.append((auth_data.login, tls is not None))
        return AuthResult(success=auth_data.login == b"alerts" and auth_data.password == PASSWORD.encode(), handled=False)


@pytest.fixture
def mail_server():
    """Starts aiosmtpd servers on port 0 with the given options; stops them after the test."""
    started = []

    def start(**options):
        inbox = Inbox()
        controller = smtp_controller(inbox, authenticator=inbox.authenticate, **options)
        controller.start()
        started.append(controller)
        return controller.port, inbox
    yield start
    for controller in started:
        controller.stop()


def add_mail_instance(skein, address, *settings):
    args = ["instance", "add", "mail", "--type", "smtp", "--address", address,
            "--credential", "username=alerts", "--credential", f"password={PASSWORD}"]
    for setting in settings:
        args += ["--setting", setting]
    skein.run(*args)


def send_two_orders(skein, tmp_path):
    (tmp_path / "flow.yaml").write_text(FLOW)
    skein.run("flow", "deploy", str(tmp_path / "flow.yaml"))
    (tmp_path / "orders.json").write_text(json.dumps({"orders": [{"order_number": 1042}, {"order_number": 1043}]}))
    result = skein.run("run", "tell-ops", "--payload", str(tmp_path / "orders.json"), "--json", check=False)
    run = skein.json("runs", "show", str(json.loads(result.stdout.strip().splitlines()[-1])["run"]))
    step = next(s for s in run["steps"] if s["shape"] == "mail")
    return run["status"], step.get("error") or ""


def test_starttls_with_a_verified_certificate_carries_the_login_and_the_mail(skein, tmp_path, certificates, mail_server):
    port, inbox = mail_server(tls_context=server_context(certificates), require_starttls=True, auth_require_tls=True)
    add_mail_instance(skein, f"smtp://127.0.0.1:{port}", f"ca_file={certificates['ca']}")
    checked = skein.run("instance", "test", "mail")
    assert f"ok: instance 'mail': the SMTP server 127.0.0.1:{port} answered over TLS (certificate verified) and accepted the login" \
        in checked.stdout
    assert send_two_orders(skein, tmp_path) == ("success", "")
    assert [tls for _, tls in inbox.messages] == ["TLSv1.3", "TLSv1.3"]
    assert [m.content.decode().count("Order 1042 failed.") for m, _ in inbox.messages] == [1, 0]
    assert inbox.logins and all(over_tls for _, over_tls in inbox.logins), "the password went over TLS only"


def test_implicit_tls_on_an_smtps_address(skein, tmp_path, certificates, mail_server):
    # aiosmtpd counts only STARTTLS as TLS for its auth_require_tls, so it is off here; the Inbox checks it.
    port, inbox = mail_server(ssl_context=server_context(certificates), auth_require_tls=False)
    add_mail_instance(skein, f"smtps://127.0.0.1:{port}", f"ca_file={certificates['ca']}")
    assert send_two_orders(skein, tmp_path) == ("success", "")
    assert [tls for _, tls in inbox.messages] == ["TLSv1.3", "TLSv1.3"]
    assert inbox.logins and all(over_tls for _, over_tls in inbox.logins)
    assert skein.run("instance", "test", "mail").stdout.startswith("ok: ")


@pytest.mark.parametrize("server_certificate, setting, reason", [
    ("untrusted", "ca_file", "CERTIFICATE_VERIFY_FAILED"),   # signed by a CA the instance does not trust
    ("server", None, "CERTIFICATE_VERIFY_FAILED"),           # the system roots do not know the test CA
    ("elsewhere", "ca_file", "does not name the host"),      # trusted CA, but made out for mail.example.com
])
def test_a_certificate_that_fails_verification_stops_the_mail_before_the_password(
        skein, tmp_path, certificates, mail_server, server_certificate, setting, reason):
    port, inbox = mail_server(tls_context=server_context(certificates, server_certificate), auth_require_tls=True)
    add_mail_instance(skein, f"smtp://127.0.0.1:{port}", *([f"ca_file={certificates['ca']}"] if setting else []))
    status, error = send_two_orders(skein, tmp_path)
    assert status == "failure"
    assert f"TLS with the SMTP server 127.0.0.1:{port} failed" in error and reason in error, error
    if reason == "CERTIFICATE_VERIFY_FAILED":
        assert "the instance setting ca_file=/path/to/ca.pem" in error  # says how to trust a private CA
    assert inbox.messages == [] and inbox.logins == []
    checked = skein.run("instance", "test", "mail", check=False)
    assert checked.returncode == 1 and reason in checked.stdout
    assert PASSWORD not in error + checked.stdout


def test_the_password_is_not_sent_over_plain_smtp_unless_the_instance_allows_it(skein, tmp_path, mail_server):
    port, inbox = mail_server(auth_require_tls=False)  # a server without TLS
    add_mail_instance(skein, f"smtp://127.0.0.1:{port}")
    status, error = send_two_orders(skein, tmp_path)
    assert status == "failure"
    assert f"refusing to send the password to the SMTP server 127.0.0.1:{port} without TLS" in error
    assert "allow_plaintext_auth=true" in error
    assert inbox.logins == [] and inbox.messages == []

    add_mail_instance(skein, f"smtp://127.0.0.1:{port}", "allow_plaintext_auth=true")
    assert send_two_orders(skein, tmp_path) == ("success", "")
    assert [tls for _, tls in inbox.messages] == [None, None]
    assert inbox.logins == [(b"alerts", False), (b"alerts", False)]


def test_tls_starttls_refuses_a_server_that_does_not_offer_it(skein, tmp_path, mail_server):
    port, inbox = mail_server(auth_require_tls=False)
    add_mail_instance(skein, f"smtp://127.0.0.1:{port}", "tls=starttls", "allow_plaintext_auth=true")
    status, error = send_two_orders(skein, tmp_path)
    assert status == "failure" and f"the SMTP server 127.0.0.1:{port} does not offer STARTTLS" in error
    assert inbox.messages == [] and inbox.logins == []


def test_instance_settings_are_checked_when_the_step_runs(skein, tmp_path, mail_server):
    port, _ = mail_server(auth_require_tls=False)
    add_mail_instance(skein, f"smtp://127.0.0.1:{port}", "tls=sometimes")
    assert "tls must be auto, starttls, implicit, none, found 'sometimes'" in send_two_orders(skein, tmp_path)[1]
    add_mail_instance(skein, f"smtps://127.0.0.1:{port}", "tls=starttls")
    assert "an smtps:// address is TLS from the first byte" in send_two_orders(skein, tmp_path)[1]
    add_mail_instance(skein, f"smtp://127.0.0.1:{port}", "ca_file=/no/such/ca.pem")
    assert "ca_file '/no/such/ca.pem' cannot be read" in send_two_orders(skein, tmp_path)[1]
    add_mail_instance(skein, f"smtp://127.0.0.1:{port}", "cafile=/x")
    assert "unknown setting 'cafile' (smtp instances take tls, ca_file, allow_plaintext_auth, auth)" in send_two_orders(skein, tmp_path)[1]
