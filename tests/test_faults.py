"""Nothing lost when the site (or the machine) misbehaves: each case crawled with Scrapy's real engine against
the mirror on 127.0.0.1, with its documented outcome (README, "When the site misbehaves").

* transient faults (5xx, resets, short bodies, pages cut mid-page, hangs): a crawl plus one re-run stores
  exactly what a clean crawl stores, and the ledger of what is missing ends empty;
* a page that lost its landmarks does not overwrite the stored article;
* a link to an absurd id, a gallery declaring thousands of pictures: bounded, reported, memory flat;
* a full disk, a damaged or read-only database, Ctrl-C: the run stops with one line naming the cause.
"""

from __future__ import annotations

import html
import json
import re
import shlex
import shutil
import signal
import subprocess
import time

import pytest
import sqlite_utils

from knytscrape.mirror import MirrorServer
from knytscrape.mirror.app import MirrorResponse
from knytscrape.mirror.faults import Faults
from tests.conftest import CRAWL_ENV, PROJECT_ROOT, crawl, crawl_command, run_measured
from tests.test_scheduled import differences, snapshot

pytestmark = pytest.mark.slow

MEMORY_BOUND_MB = 400
MB = 1024 * 1024
FAST_TIMEOUTS = ("-s", "DOWNLOAD_TIMEOUT=1")


def site_free(archive: dict) -> dict:
    """A snapshot with the mirror's address (which differs between servers) taken out of every value, and
    the content hash (made of those values) left out."""
    def clean(value):
        return re.sub(r"http://127\.0\.0\.1:\d+", "SITE", value) if isinstance(value, str) else value

    return {table: sorted((tuple((k, clean(v)) for k, v in row if k != "content_hash") for row in rows), key=repr)
            for table, rows in archive.items()}


def open_ledger(db) -> list[dict]:
    return list(db.query("SELECT * FROM missing WHERE resolved_at IS NULL"))


def unhealthy_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("UNHEALTHY:")]


@pytest.fixture(scope="module")
def clean_archive(tmp_path_factory):
    """The mirror with 100 extra articles, crawled without faults: what every faulty run must end up with."""
    db_path = tmp_path_factory.mktemp("clean") / "knytpunkt.db"
    with MirrorServer(extra_articles=100) as site:
        result = crawl(site.base_url, db_path)
    assert result.returncode == 0, result.stderr
    return site_free(snapshot(sqlite_utils.Database(db_path)))


def test_a_faulty_site_loses_nothing_after_one_rerun(clean_archive, tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    faults = Faults(rate=0.1, seed=9, hang_seconds=2)
    with MirrorServer(extra_articles=100, faults=faults) as site:
        # one retry only in the first run, so that pages really are given up on and must be asked again
        first = crawl(site.base_url, db_path, *FAST_TIMEOUTS, "-s", "RETRY_TIMES=1")
        db = sqlite_utils.Database(db_path)
        missed = open_ledger(db)
        assert {kind for _, kind in site.fault_log} == set(faults.kinds)  # every kind of fault happened
        assert missed, "the first run should have given up on some pages"
        assert first.returncode == 1
        assert any("still missing after retries" in line for line in unhealthy_lines(first.stderr)), first.stderr
        second = crawl(site.base_url, db_path, *FAST_TIMEOUTS)
    assert second.returncode == 0, second.stdout + second.stderr
    assert open_ledger(db) == []
    assert {row["outcome"] for row in db["missing"].rows} <= {"fetched", "gone"}
    assert differences(site_free(snapshot(db)), clean_archive) == []


def test_a_page_that_lost_its_landmarks_never_overwrites_the_stored_article(tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    with MirrorServer() as site:
        assert crawl(site.base_url, db_path).returncode == 0
        db = sqlite_utils.Database(db_path)
        victim = next(a for a in site.truth()["articles"] if a["comments"] and a["template"] == "modern")
        stored = db["articles"].get(victim["id"])
        target = f"/artiklar.php?id={victim['id']}"

        def without_text(path, headers):  # a whole page (it ends properly) that lost its body and comments
            if path != target:
                return None
            page = site.render(target)
            encoding = "utf-8" if "utf-8" in page.headers["Content-Type"].lower() else "cp1252"
            text = page.body.decode(encoding)
            for paragraph in victim["body"]:
                text = text.replace(html.escape(paragraph, quote=False), "")
            for comment in victim["comments"]:
                text = text.replace(html.escape(comment["text"], quote=False), "")
            text = re.sub(r"Kommentarer:|Lämna en kommentar", "", text)
            return MirrorResponse(200, {"Content-Type": page.headers["Content-Type"]}, text.encode(encoding))

        site.intercept(without_text)
        second = crawl(site.base_url, db_path, "--full")
        assert second.returncode == 1
        assert db["articles"].get(victim["id"])["body"] == stored["body"]
        [entry] = open_ledger(db)
        assert (entry["article_id"], entry["kind"]) == (victim["id"], "damaged")
        site.clear_intercepts()
        third = crawl(site.base_url, db_path)  # the ledger asks for it again: whole now
    assert third.returncode == 0, third.stderr
    assert open_ledger(db) == []
    assert db["articles"].get(victim["id"])["body"] == stored["body"]


def test_a_link_to_an_absurd_id_is_asked_for_and_reported_not_walked_to(tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    with MirrorServer() as site:
        def front_with_far_link(path, headers):
            if path not in ("/", "/index.php"):
                return None
            page = site.render(path)
            # one absurd id, and a chain of ids that do not exist, each within the walk's gap of the last
            chain = "".join(f'<a href="artiklar.php?id={1321 + 999 * k}">{k}</a>' for k in range(1, 200))
            links = f'<a href="artiklar.php?id=99999999">Arkiv</a>{chain}</body>'.encode()
            body = page.body.replace(b"</body>", links)
            return MirrorResponse(200, {"Content-Type": page.headers["Content-Type"]}, body)

        site.intercept(front_with_far_link)
        status, peak = run_measured(crawl_command(site.base_url, db_path), tmp_path / "log", timeout=300)
        output = (tmp_path / "log").read_text()
        asked = [p for p in site.requests if p.startswith("/artiklar.php?id=") and "&" not in p]
        truth = site.truth()["articles"]
    assert status == 0, output
    assert "/artiklar.php?id=99999999" in asked
    assert len(asked) < 2600  # the walk ended near the real ids (up to 1321 + its gap), not at 99,999,999
    [reported] = [line for line in output.splitlines() if line.startswith("  ids far above the rest")]
    assert "99999999" in reported
    assert sqlite_utils.Database(db_path)["articles"].count == len(truth)
    assert peak < MEMORY_BOUND_MB * MB


def test_a_gallery_declaring_thousands_of_pictures_is_capped_and_reported(tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    with MirrorServer() as site:
        article = next(a for a in site.truth()["articles"] if a["template"] == "modern" and a["images"])
        site.update_article(article["id"], gallery_line="3000 Klickbara bilder.", image_count=3000)
        command = crawl_command(site.base_url, db_path, "-s", "KNYT_GALLERY_MAX_VIEWS=40")
        status, peak = run_measured(command, tmp_path / "log")
        output = (tmp_path / "log").read_text()
        views = [p for p in site.requests if p.startswith(f"/artiklar.php?id={article['id']}&img=")]
        truth = site.truth()["articles"]
    assert len(views) == 40
    assert status == 1
    [line] = [line for line in unhealthy_lines(output) if "KNYT_GALLERY_MAX_VIEWS" in line]
    assert f"{article['id']} (3000)" in line
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == len(truth)
    stored = [r["position"] for r in db["images"].rows_where("article_id = ?", [article["id"]])]
    assert stored == list(range(1, len(article["images"]) + 1))  # the pictures that exist are all there
    assert peak < MEMORY_BOUND_MB * MB


def test_gallery_views_that_robots_txt_forbids_leave_their_articles_whole_and_the_run_healthy(tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    with MirrorServer() as site:
        def robots(path, headers):
            if path != "/robots.txt":
                return None
            return MirrorResponse(200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /*&img=\n")

        site.intercept(robots)
        result = crawl(site.base_url, db_path)
        assert not [p for p in site.requests if "&img=" in p]
        truth = site.truth()["articles"]
    assert result.returncode == 0, result.stderr
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == len(truth)
    assert open_ledger(db) == []


def test_a_calendar_that_pages_on_for_ever_is_read_up_to_its_bound(tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    with MirrorServer() as site:
        made = iter(range(10_000, 10**9))

        def endless(path, headers):  # the list links 30 pages never seen before, and each of those 30 more
            if path != "/kalender.php" and not path.startswith("/kalender.php?sida=1"):
                return None  # (the real pages 2, 3, 4 of the list stay as they are)
            page = site.render("/kalender.php")
            more = "".join(f'<a href="kalender.php?sida={next(made)}">mer</a>' for _ in range(30))
            body = re.sub(rb"</body>", more.encode() + b"</body>", page.body, flags=re.IGNORECASE)
            return MirrorResponse(200, {"Content-Type": page.headers["Content-Type"]}, body)

        site.intercept(endless)
        result = crawl(site.base_url, db_path, "-s", "KNYT_SECTION_MAX_PAGES=1000")
        asked = [p for p in site.requests if p.startswith("/kalender.php")]
        truth = site.truth()["events"]
    assert len(asked) <= 1000
    assert result.returncode == 1
    assert any("KNYT_SECTION_MAX_PAGES" in line for line in unhealthy_lines(result.stderr))
    assert sqlite_utils.Database(db_path)["events"].count == len(truth)  # every real event is still there


def test_a_count_sqlite_cannot_hold_fails_nothing(tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    with MirrorServer() as site:
        def huge_count(path, headers):  # every yearly archive prints one count no SQLite integer can hold
            if not path.startswith("/art_ar.php"):
                return None
            page = site.render(path)
            body = re.sub(rb"Kommentarer \[ \d+ \]", b"Kommentarer [ 99999999999999999999 ]", page.body, count=1)
            return MirrorResponse(page.status, {"Content-Type": page.headers["Content-Type"]}, body)

        site.intercept(huge_count)
        result = crawl(site.base_url, db_path)
        truth = site.truth()["articles"]
    assert result.returncode == 0, result.stderr
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == len(truth)
    assert open_ledger(db) == []
    stats = json.loads(next(db.query("SELECT stats FROM crawls WHERE spider = 'articles'"))["stats"])
    assert stats["knyt/field/comment_count_listed/out_of_range"] > 0


def test_gap_ids_that_redirect_to_the_front_page_do_not_stall_the_walk(tmp_path):
    """Old PHP sites often send a missing id to the front page; the duplicate filter then drops the
    redirect, so the walk request gets neither answer nor error. The walk must still reach every id."""
    db_path = tmp_path / "knytpunkt.db"
    with MirrorServer() as site:
        stored = {a["id"] for a in site.truth()["articles"]}

        def gaps_to_front(path, headers):
            number = re.fullmatch(r"/artiklar\.php\?id=(\d+)", path)
            if number and int(number.group(1)) not in stored:
                return MirrorResponse(302, {"Location": "/"}, b"")
            return None

        site.intercept(gaps_to_front)
        result = crawl(site.base_url, db_path, "-s", "KNYT_WALK_WINDOW=20")
    assert result.returncode == 0, result.stderr
    assert {row["id"] for row in sqlite_utils.Database(db_path)["articles"].rows} == stored


# -- the database itself ----------------------------------------------------------------------------


def crawl_on_small_disk(base_url: str, folder, size: str, *extra: str, remount_read_only: bool = False):
    """A crawl into ``folder``/knytpunkt.db on a tmpfs of ``size`` mounted in a mount namespace of its own (as
    root, or in a user namespace); the files are copied back to ``folder`` when it ends."""
    command = crawl_command(base_url, "DISK/knytpunkt.db", *extra)
    disk = folder / "disk"
    disk.mkdir()
    script = (f"set -e; mount -t tmpfs -o size={size} tmpfs {disk}; "
              f"cp {folder}/knytpunkt.db* {disk}/ 2>/dev/null || true; "
              + (f"mount -o remount,ro {disk}; " if remount_read_only else "")
              + "set +e; " + shlex.join(command).replace("DISK/", f"{disk}/")
              + f"; status=$?; cp {disk}/knytpunkt.db* {folder}/ 2>/dev/null; exit $status")
    for wrapper in (["unshare", "--mount"], ["unshare", "--user", "--map-root-user", "--mount"]):
        probe = subprocess.run([*wrapper, "true"], capture_output=True)
        if probe.returncode == 0:
            return subprocess.run([*wrapper, "sh", "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                  env=CRAWL_ENV, timeout=600)
    raise AssertionError("cannot make a mount namespace (unshare) for a small disk: " + probe.stderr.decode())


def test_a_full_disk_stops_the_run_at_once_and_the_next_run_completes_it(tmp_path):
    with MirrorServer(extra_articles=400) as site:
        full = crawl_on_small_disk(site.base_url, tmp_path, "3m")
        assert full.returncode == 1, full.stdout + full.stderr
        [line] = unhealthy_lines(full.stderr)
        assert "is full" in line and "knytpunkt.db" in line
        assert "Traceback" not in full.stderr
        db = sqlite_utils.Database(tmp_path / "knytpunkt.db")
        stored = db["articles"].count
        truth = site.truth()["articles"]
        assert 0 < stored < len(truth)
        # the summary counts only what was committed
        new = sum(int(line.split(" new,")[0].rsplit(" ", 1)[-1]) for line in full.stdout.splitlines()
                  if line.startswith("articles:"))
        assert new <= stored
        again = crawl(site.base_url, tmp_path / "knytpunkt.db")  # the same file, on a disk with room
    assert again.returncode == 0, again.stderr
    assert db["articles"].count == len(truth)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_read_only_database_is_named_before_anything_is_asked(tmp_path):
    with MirrorServer() as site:
        assert crawl(site.base_url, tmp_path / "knytpunkt.db").returncode == 0
        asked = len(site.requests)
        result = crawl_on_small_disk(site.base_url, tmp_path, "64m", remount_read_only=True)
        assert len(site.requests) == asked
    assert result.returncode == 1
    [line] = unhealthy_lines(result.stderr)
    assert "cannot be written" in line
    assert "no page could be fetched" not in result.stderr


def test_a_damaged_database_file_is_named_and_left_alone(tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    db_path.write_bytes(b"Knytpunkt? No, a shopping list. " * 500)
    before = db_path.read_bytes()
    with MirrorServer() as site:
        result = crawl(site.base_url, db_path)
        assert site.requests == []
    assert result.returncode == 1
    [line] = unhealthy_lines(result.stderr)
    assert "damaged or is not a SQLite database" in line
    assert db_path.read_bytes() == before
    assert "Traceback" not in result.stderr


def test_ctrl_c_says_interrupted_and_the_next_run_goes_on(tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    with MirrorServer(extra_articles=300) as site:
        process = subprocess.Popen(crawl_command(site.base_url, db_path), cwd=PROJECT_ROOT, env=CRAWL_ENV,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while len(site.requests) < 300 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 130, stdout + stderr
        assert any("interrupted" in line for line in unhealthy_lines(stderr))
        assert "no page could be fetched" not in stderr
        again = crawl(site.base_url, db_path)
        truth = site.truth()["articles"]
    assert again.returncode == 0, again.stderr
    assert sqlite_utils.Database(db_path)["articles"].count == len(truth)


def test_tmpfs_helper_copies_back(tmp_path):
    """The small-disk helper itself: a crawl on a roomy tmpfs leaves a whole database behind."""
    with MirrorServer() as site:
        result = crawl_on_small_disk(site.base_url, tmp_path, "64m")
    assert result.returncode == 0, result.stderr
    assert sqlite_utils.Database(tmp_path / "knytpunkt.db")["articles"].count > 0
    shutil.rmtree(tmp_path / "disk", ignore_errors=True)
