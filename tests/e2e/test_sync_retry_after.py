"""Sync retries honour the destination's `Retry-After`: an ERP that answers 503 with
`Retry-After: 1` is tried again a second later, not after the 60 s backoff; a destination
asking for a day waits only `SKEIN_SYNC_RETRY_AFTER_MAX`; a bad value of that setting is an
error naming it."""
from datetime import datetime, timedelta, timezone

from conftest import make_erp, wait_for
from test_sync_reports import deploy_sync_flow, paid_orders, sync_list


def parse(text):
    """A time as the CLI prints it: UTC, with or without an offset."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def now():
    return datetime.now(timezone.utc)


def test_a_retry_waits_what_the_destination_asked_for_not_the_backoff(skein, shop, tmp_path, monkeypatch):
    paid = paid_orders(shop)
    erp = make_erp(fail_first=len(paid), retry_after=1)
    try:
        monkeypatch.delenv("SKEIN_SYNC_BACKOFF", raising=False)  # the default: 60 s before the first retry
        skein.add_demo_instances(shop, erp)
        deploy_sync_flow(skein, tmp_path)
        before = now().replace(microsecond=0)
        skein.run("run", "orders-to-erp")
        after = now()
        entries = sync_list(skein)["entries"]
        assert len(entries) == len(paid) and {e["status"] for e in entries} == {"pending"}
        for entry in entries:
            due = parse(entry["next_retry"])
            assert before + timedelta(seconds=1) <= due <= after + timedelta(seconds=2), (entry["next_retry"], before, after)

        server = skein.serve()
        try:
            # With the backoff the first retry would come a minute after the run.
            wait_for(lambda: sync_list(skein)["counts"]["ok"] == len(paid), timeout=40, what="all entries OK")
        finally:
            server.terminate()
            server.wait(timeout=30)
        assert erp.system.requests == 2 * len(paid) and len(erp.system.received) == len(paid)
    finally:
        erp.shutdown()


def test_a_long_retry_after_is_capped_by_the_setting(skein, shop, tmp_path, monkeypatch):
    paid = paid_orders(shop)
    erp = make_erp(fail_first=len(paid), retry_after=86400)
    try:
        monkeypatch.setenv("SKEIN_SYNC_RETRY_AFTER_MAX", "90s")
        skein.add_demo_instances(shop, erp)
        deploy_sync_flow(skein, tmp_path)
        before = now().replace(microsecond=0)
        skein.run("run", "orders-to-erp")
        after = now()
        for entry in sync_list(skein)["entries"]:
            due = parse(entry["next_retry"])
            assert before + timedelta(seconds=90) <= due <= after + timedelta(seconds=91), (entry["next_retry"], before, after)
    finally:
        erp.shutdown()


def test_a_bad_retry_after_limit_is_an_error_naming_the_setting(skein, monkeypatch):
    monkeypatch.setenv("SKEIN_SYNC_RETRY_AFTER_MAX", "soon")
    result = skein.run("runs", "list", check=False)
    assert result.returncode != 0
    assert "SKEIN_SYNC_RETRY_AFTER_MAX must be a duration" in result.stderr and "'soon'" in result.stderr
