"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.public_urls import load_public_data

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse to
# run there. The test code is synchronous, so this is safe here (and only here).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's rules on table headers: a result axe cannot decide ("needs review") fails there too, as
# it did on the theme rows of the bijlage before they became row group headers.
TABLE_HEADER_RULES = {"th-has-data-cells", "td-headers-attr", "td-has-header", "scope-attr-valid"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (no browser download), headless and quiet."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make install` (installs Debian's chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A desktop window; the browser prefers English, the site must still start in Dutch."""
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's address, with the seed bijlage loaded (migrated data: tests/conftest)
    and, where reports exist, published as the first report."""
    load_public_data()
    return live_server.url


@pytest.fixture
def console_errors(page):
    """Everything the browser logs as an error (CSP violations, missing files, script errors)."""
    errors = []

    def on_console(msg):
        if msg.type == "error":
            errors.append(f"{page.url}: {msg.text} ({msg.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    return errors


@pytest.fixture(scope="session")
def axe_source():
    """axe-core, installed from the npm registry by `make install`."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make install` (npm ci)")
    return AXE_JS.read_text()


def axe_violations(page, axe_source, *, best_practice=False) -> list[str]:
    """WCAG 2.1 A/AA violations on the current page, and undecided results on its table headers,
    one readable line each. ``best_practice``: also axe's best practices (landmarks, one h1)."""
    # Evaluated through the DevTools protocol, so the page's strict CSP stays on during the test.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    # preload: false, or axe's own <style> elements would trip the CSP and read as page errors.
    result = page.evaluate(
        """async (tags) => await axe.run(
               document, {runOnly: {type: 'tag', values: tags}, preload: false})""",
        WCAG_21_AA + (["best-practice"] if best_practice else []),
    )
    undecided = [v for v in result["incomplete"] if v["id"] in TABLE_HEADER_RULES]
    return [
        f"{v['id']} ({v['impact']}{', incomplete' if v in undecided else ''}): {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"] + undecided
    ]


@pytest.fixture
def as_manager(page, site):
    """The browser signed in as a manager (who sees the live state), through a session cookie."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user = User.objects.create_user("manager-browser", password="Manager-Geheim-123")
    user.groups.add(Group.objects.get(name="Manager"))
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}]
    )
    return user
