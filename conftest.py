"""Project-wide test setup: environment markers, browser fixtures and API fixtures.

Markers (declared in pyproject.toml):
- `postgres`: the test needs PostgreSQL (e.g. two-thread concurrency tests). Skipped on the SQLite
  pass ("runs in the PostgreSQL pass"); on a PostgreSQL pass whose server is down it is skipped
  with "needs PostgreSQL: not reachable".
- `browser`: the test drives Debian's Chromium through Playwright (fixture `browser_page`).
  Skipped with "needs Chromium (apt-get install chromium)" when /usr/bin/chromium is missing.

With CI=true, a test that would be skipped because the machine lacks something (PostgreSQL down,
Chromium missing) fails instead, so a green CI run never hides untested code.
At the end of a run the summary names the database engine and every test skipped for the
environment.
"""

import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.test import Client

from kontorhaus.api.services import api_token_create

CHROMIUM = Path(os.environ.get("KONTORHAUS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

SKIP_PG_PASS = "runs in the PostgreSQL pass"  # noqa: S105 -- "PASS" is a test run
SKIP_PG_DOWN = "needs PostgreSQL: not reachable"
SKIP_NO_CHROMIUM = "needs Chromium (apt-get install chromium)"
# Skips that mean "this machine lacks something"; with CI=true they are failures.
ENVIRONMENT_SKIPS = (SKIP_PG_DOWN, SKIP_NO_CHROMIUM)
EXPECTED_SKIPS = (SKIP_PG_PASS,)

_env_skips: dict[str, list[str]] = defaultdict(list)
_pg_reachable: bool | None = None


def _db() -> dict[str, Any]:
    return settings.DATABASES["default"]


def _engine() -> str:
    return _db()["ENGINE"].rsplit(".", 1)[-1]


def _postgres_reachable() -> bool:
    global _pg_reachable  # noqa: PLW0603
    if _pg_reachable is None:
        db = _db()
        try:
            psycopg.connect(
                dbname="postgres", host=db.get("HOST") or None, port=db.get("PORT") or None,
                user=db.get("USER") or None, password=db.get("PASSWORD") or None, connect_timeout=3,
            ).close()
            _pg_reachable = True
        except psycopg.Error:
            _pg_reachable = False
    return _pg_reachable


def _skip_for_environment(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} -- CI=true: the environment must provide it", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    # SQLite's test database is a file in var/ (threads of transaction=True tests share it).
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns if it is missing
    test_name = _db().get("TEST", {}).get("NAME")
    if _engine() == "sqlite3" and test_name:
        Path(test_name).parent.mkdir(parents=True, exist_ok=True)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres"):
        if _engine() != "postgresql":
            pytest.skip(SKIP_PG_PASS)
        if not _postgres_reachable():
            _skip_for_environment(SKIP_PG_DOWN)
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        _skip_for_environment(SKIP_NO_CHROMIUM)


_shared_skips: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not report.skipped or not isinstance(report.longrepr, tuple):
        return
    reason = report.longrepr[2].removeprefix("Skipped: ")
    if "shared" in reason and ("fixtures" in reason or "einvoice" in reason):
        # The real sample files in ../shared/ are missing: fine on a user's fresh clone, a
        # failure in CI, where they are always beside the checkout.
        _shared_skips.append(report.nodeid)
    if reason in ENVIRONMENT_SKIPS or reason in EXPECTED_SKIPS:
        _env_skips[reason].append(report.nodeid)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    tr = terminalreporter
    db = _db()
    where = db["NAME"]
    if _engine() != "sqlite3":
        where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    tr.write_sep("-", "Kontorhaus test environment")
    tr.write_line(f"database engine: {_engine()} ({where}; test database {db.get('TEST', {}).get('NAME')})")
    tr.write_line(f"chromium: {'found' if CHROMIUM.exists() else 'MISSING'} ({CHROMIUM})")
    for reason in EXPECTED_SKIPS + ENVIRONMENT_SKIPS:
        nodeids = _env_skips.get(reason, [])
        if not nodeids:
            continue
        loud = "SKIPPED" if reason in ENVIRONMENT_SKIPS else "skipped"
        bold = reason in ENVIRONMENT_SKIPS
        tr.write_line(f"{loud} {len(nodeids)} test(s): {reason}", yellow=True, bold=bold)
        for nodeid in nodeids[:25]:
            tr.write_line(f"    {nodeid}")
        if len(nodeids) > 25:
            tr.write_line(f"    ... and {len(nodeids) - 25} more")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Belt and braces: an environment skip raised elsewhere (not through our markers) fails CI too.
    if IN_CI and any(_env_skips.get(reason) for reason in ENVIRONMENT_SKIPS) and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if IN_CI and _shared_skips and exitstatus == 0:
        print(f"\nCI=true: {len(_shared_skips)} test(s) skipped because ../shared/ sample files are missing")  # noqa: T201
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- browser tests --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Any]:
    """One headless Debian Chromium per session (starting it costs about a second)."""
    if not CHROMIUM.exists():
        _skip_for_environment(SKIP_NO_CHROMIUM)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 -- only browser runs pay for it

    # Playwright's sync API keeps an asyncio loop set on this thread; Django would then refuse
    # sync ORM calls here with SynchronousOnlyOperation. Documented workaround for tests.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def browser_page(_chromium: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context and page per test; `page.goto("/…")` is relative to the live server.

    Using `live_server` makes the test transactional (the server runs in another thread);
    mark browser tests `@pytest.mark.browser` and `@pytest.mark.django_db(transaction=True)`.
    """
    context = _chromium.new_context(base_url=live_server.url, locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


# --- API tests ------------------------------------------------------------------------------


@pytest.fixture
def api_token(db: None) -> str:
    """The plaintext of a fresh API token named "test"."""
    _, plaintext = api_token_create(name="test")
    return plaintext


@pytest.fixture
def api_client(api_token: str) -> Client:
    """A Django test client that sends `Authorization: Bearer <api_token>` on every request."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token}")


@pytest.fixture(autouse=True)
def _fresh_vat_rate_cache() -> Iterator[None]:
    """Rates cached by one test (maybe from a table it imported and rolled back) must not leak."""
    from kontorhaus.core.vat_rates import cache_clear  # noqa: PLC0415 -- needs Django set up

    cache_clear()
    yield
    cache_clear()
