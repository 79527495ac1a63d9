"""`skein instance rotate-key` through the real binary: a new key file (0600), every instance
still readable, and a clear refusal when the key comes from SKEIN_CREDENTIAL_KEY."""
import os
import stat
import subprocess
from pathlib import Path


def test_rotate_key_replaces_the_key_file_and_keeps_credentials_readable(skein, monkeypatch):
    monkeypatch.setenv("E2E_SECRET", "rotate-me-secret-551")
    skein.run("instance", "add", "erp", "--type", "http", "--address", "http://127.0.0.1:9",
              "--setting", "auth=basic", "--credential", "username=u", "--credential-env", "password=E2E_SECRET")
    key_file = Path(skein.data_dir) / "credentials.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    old_key = key_file.read_bytes()

    result = skein.run("instance", "rotate-key")
    assert "rotated the credential key" in result.stdout and "re-sealed 1 instance" in result.stdout
    assert key_file.read_bytes() != old_key and len(key_file.read_bytes()) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not (Path(skein.data_dir) / "credentials.key.previous").exists()
    listed = skein.json("instance", "list")
    assert listed[0]["credentials"] == ["password", "username"]
    assert "rotate-me-secret-551" not in result.stdout + result.stderr


def test_rotate_key_with_an_environment_key_needs_the_new_key(skein, tmp_path):
    env = {**os.environ, "SKEIN_CREDENTIAL_KEY": "11" * 32}
    run = lambda *args: subprocess.run([skein.binary, *args, "--data-dir", skein.data_dir], capture_output=True, text=True, env=env)
    assert run("instance", "add", "erp", "--type", "http", "--address", "http://127.0.0.1:9", "--credential", "token=t0k-e2e").returncode == 0
    refused = run("instance", "rotate-key")
    assert refused.returncode == 1
    assert "SKEIN_CREDENTIAL_KEY" in refused.stderr and "--new-key-env" in refused.stderr

    env["NEW_KEY"] = "22" * 32
    rotated = run("instance", "rotate-key", "--new-key-env", "NEW_KEY")
    assert rotated.returncode == 0, rotated.stderr
    assert "Now set SKEIN_CREDENTIAL_KEY" in rotated.stdout
    assert "22" * 32 not in rotated.stdout + rotated.stderr
    env["SKEIN_CREDENTIAL_KEY"] = "22" * 32
    assert '"credentials":["token"]' in run("instance", "list", "--json").stdout.replace(" ", "")
