"""`skein config show`: the configuration Skein runs with, each value with where it came from
(flag, environment variable, config file line, default), secrets masked; and a bad value stops
every command with one error per problem, each naming the setting and its source
(docs/configuration.md)."""


def write_config(tmp_path, text):
    path = tmp_path / "skein.yaml"
    path.write_text(text)
    return str(path)


def by_key(settings):
    return {setting["key"]: setting for setting in settings}


def test_config_show_says_where_each_value_came_from_and_masks_secrets(skein, tmp_path, monkeypatch):
    config = write_config(tmp_path, "# the team's settings\n"
                                    "database: postgres://skein:hunter2@db.internal:5432/skein\n"
                                    "lease: 20\n"
                                    "concurrency: 6\n"
                                    "alert_from: skein@shop.example\n")
    monkeypatch.setenv("SKEIN_CONCURRENCY", "8")            # the variable wins over the file
    monkeypatch.setenv("SKEIN_METRICS_TOKEN", "scrape-secret-5e1f")
    monkeypatch.delenv("SKEIN_CONFIG", raising=False)
    settings = by_key(skein.json("config", "show", "--config", config, "--lease", "40", "--port", "9000"))

    assert settings["config"] == {"key": "config", "value": config, "secret": False, "source": "flag", "flag": "--config"}
    assert settings["lease"] == {"key": "lease", "value": "40", "secret": False, "source": "flag", "flag": "--lease"}  # the flag wins
    assert settings["concurrency"] == {"key": "concurrency", "value": "8", "secret": False, "source": "environment",
                                            "variable": "SKEIN_CONCURRENCY"}
    assert settings["alert_from"] == {"key": "alert_from", "value": "skein@shop.example", "secret": False, "source": "file",
                                      "file": config, "line": 5}
    assert settings["database"]["value"] == "postgres://skein:***@db.internal:5432/skein" and settings["database"]["line"] == 2
    assert settings["metrics_token"]["value"] == "***" and settings["metrics_token"]["secret"]
    assert settings["role"] == {"key": "role", "value": "all", "secret": False, "source": "default"}
    assert settings["base_url"]["value"] == "http://127.0.0.1:9000"     # derived from host and port

    text = skein.run("config", "show", "--config", config, "--lease", "40").stdout
    assert "hunter2" not in text and "scrape-secret-5e1f" not in text
    lines = {line.split()[0]: line.split() for line in text.splitlines()[1:]}
    assert lines["lease"][1:] == ["40", "flag", "--lease"]
    assert lines["concurrency"][1:] == ["8", "environment", "SKEIN_CONCURRENCY"]
    assert lines["database"][1:] == ["postgres://skein:***@db.internal:5432/skein", f"{config}:2"]
    assert lines["port"][1:] == ["8080", "default"]


def test_every_bad_value_is_reported_at_once_naming_its_source(skein, tmp_path, monkeypatch):
    config = write_config(tmp_path, "role: boss\nlease: abc\nlease_time: 3\n")
    monkeypatch.setenv("SKEIN_WEBHOOK_BATCH", "lots")    # once silently 256
    monkeypatch.setenv("SKEIN_CREDENTIAL_KEY", "my-secret-key")
    for command in (["config", "show"], ["runs", "list"], ["serve", "--port", "99999"]):
        result = skein.run(*command, "--config", config, check=False, timeout=30)
        assert result.returncode == 1, (command, result.stderr)
        error = result.stderr
        assert f"role: boss ({config} line 1): must be one of api, worker, scheduler, all" in error
        assert f"lease: abc ({config} line 2): must be a whole number of seconds from 1" in error
        assert f"{config} line 3: unknown setting 'lease_time'" in error
        assert "SKEIN_WEBHOOK_BATCH=lots (environment): must be a whole number of runs from 1" in error
        assert "SKEIN_CREDENTIAL_KEY=*** (environment): must be 64 hexadecimal digits (32 bytes)" in error
        assert "my-secret-key" not in error
        count = 6 if command[0] == "serve" else 5
        assert f"the configuration has {count} problems" in error, error
    assert "--port 99999 (flag): must be a port number from 0 to 65535" in result.stderr
