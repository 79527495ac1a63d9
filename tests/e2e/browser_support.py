"""What every browser test shares: Debian's chromium, launched the one way, and signing in.

Playwright drives the chromium Debian packages (`scripts/test.sh` installs it); `playwright
install` is never needed, and a missing browser fails the test instead of skipping it.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect


def chromium_path():
    for candidate in ("/usr/bin/chromium", "/usr/lib/chromium/chromium"):
        if Path(candidate).exists():
            return candidate
    pytest.fail("Debian's chromium is missing: scripts/test.sh installs it (apt-get install chromium)")


def launch_chromium(playwright):
    """A headless chromium as root in a container can run it: no sandbox, no GPU."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=["--no-sandbox", "--disable-gpu"])


def sign_in(page, base, user, password, landing=None):
    """Signs in on the login form. With `landing` (a path), opens that page first — the login
    page comes in between — and expects to be brought back to it."""
    page.goto(base + (landing or "/login"))
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")
    if landing:
        expect(page).to_have_url(base + landing)
