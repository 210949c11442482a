"""Browser tests: the published archive used as a person uses it, in a real headless Chromium.

Debian's ``/usr/bin/chromium`` driven through ``/usr/bin/chromedriver`` by Selenium (both installed by
``scripts/install-browser``; Selenium Manager is never asked, nothing is downloaded). Fixtures for any
browser test:

* ``site`` (session): ``knytscrape serve`` on a copy of the crawled offline mirror (its WARC files beside
  it), on 127.0.0.1 and a free port: ``site.url("/knytpunkt/articles")``, ``site.base_url``,
  ``site.db_path``, ``site.database``.
* ``driver``: a fresh headless Chromium for the test (its own empty profile, 1280x1000), downloads
  going to ``download_dir``; a screenshot ``<test>-failure.png`` is saved when the test fails.
* ``download_dir``: where the test's downloads land (see ``helpers.wait_for_download``).
* ``screenshot(step, element=None)``: saves ``artifacts/screenshots/<test>-<step>.png`` (the element
  scrolled into view first) and returns its path.

``helpers`` has what tests do with them (open a page, submit a form and wait for the next page, read a
result table, wait for a download); ``truth`` derives what a page must show from the mirror's content.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.servers import free_port, wait_until_answers

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
WINDOW = (1280, 1000)
DATABASE = "knytpunkt"  # the file's stem is the database's name in Datasette's URLs
# Needed here: root (no sandbox), no GPU, a closed network (nothing in the background may reach out).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
)
SERVER_START_TIMEOUT = 60
PAGE_TIMEOUT = 20


@dataclass(frozen=True)
class Site:
    base_url: str
    db_path: Path
    database: str = DATABASE

    def url(self, path: str = "/") -> str:
        return self.base_url + path


def serve_command(db_path: Path, port: int) -> list[str]:
    """The installed ``knytscrape serve`` (the console script beside this Python), as a person runs it."""
    script = Path(sys.executable).with_name("knytscrape")
    program = [str(script)] if script.is_file() else [sys.executable, "-m", "knytscrape.cli"]
    return [*program, "serve", "--db", str(db_path), "--port", str(port)]


def copy_database(source: str | Path, target: Path) -> None:
    """A copy for the server, so that nothing it does touches the file other tests read."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def stop(process: subprocess.Popen) -> None:
    """End the server and the Datasette it started: their own process group, by the group's id."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)  # anything of the group still alive?
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def site(crawled, tmp_path_factory):
    """The real published Datasette (``knytscrape serve``) on a copy of the crawled mirror."""
    _, db = crawled
    source = db.conn.execute("PRAGMA database_list").fetchone()[2]
    folder = tmp_path_factory.mktemp("browser-site")
    db_path = folder / f"{DATABASE}.db"
    copy_database(source, db_path)
    if (Path(source).parent / "warc").is_dir():  # the pages as fetched, beside the database as a crawl leaves them
        shutil.copytree(Path(source).parent / "warc", folder / "warc")
    port = free_port()
    log_path = folder / "serve.log"
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(serve_command(db_path, port), cwd=PROJECT_ROOT, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    site = Site(base_url=f"http://127.0.0.1:{port}", db_path=db_path)
    try:
        try:
            wait_until_answers(site.url("/-/versions.json"), process, log_path, SERVER_START_TIMEOUT)
        except AssertionError as error:
            pytest.fail(f"`knytscrape serve` did not start: {error}", pytrace=False)
        yield site
    finally:
        stop(process)


def _test_file_name(node_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node_name).strip("_")


@pytest.fixture
def download_dir(tmp_path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture(scope="session", autouse=True)
def browser_installed():
    """Every browser test fails (never skips) without Chromium, before anything is crawled or served."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: run scripts/install-browser (Debian's chromium and "
                    "chromium-driver) before the browser tests", pytrace=False)


@pytest.fixture
def driver(request, tmp_path, download_dir):
    """A fresh headless Chromium for one test, with an empty profile of its own."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)  # with the driver's path below, Selenium Manager is never run
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.add_experimental_option("prefs", {
        "download.default_directory": str(download_dir),
        "download.prompt_for_download": False,
        "download.directory_upgrade": True,
        "safebrowsing.enabled": False,
    })
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    browser = webdriver.Chrome(service=service, options=options)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = _test_file_name(request.node.name)
    for old in SCREENSHOTS.glob(f"{prefix}-*.png"):
        old.unlink()  # this test's screenshots of an earlier run
    try:
        browser.set_page_load_timeout(PAGE_TIMEOUT)
        browser.execute_cdp_cmd("Browser.setDownloadBehavior",
                                {"behavior": "allow", "downloadPath": str(download_dir), "eventsEnabled": True})
        yield browser
        if request.node.stash.get(FAILED, False):
            browser.save_screenshot(str(SCREENSHOTS / f"{prefix}-failure.png"))
    finally:
        browser.quit()


@pytest.fixture
def screenshot(request, driver):
    """screenshot(step, element=None, at="center") -> artifacts/screenshots/<test>-<step>.png, the element
    scrolled into view first (``at``: "start" puts it at the top of the window)."""
    prefix = _test_file_name(request.node.name)

    def take(step: str, element=None, at: str = "center") -> Path:
        if element is not None:
            driver.execute_script("arguments[0].scrollIntoView({block: arguments[1]});", element, at)
        path = SCREENSHOTS / f"{prefix}-{_test_file_name(step)}.png"
        assert driver.save_screenshot(str(path)), f"no screenshot saved at {path}"
        return path

    return take


def pytest_collection_modifyitems(items):
    """Every browser test is slow: left out of the quick lane (-m 'not slow')."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.slow)
