"""Scheduled crawls: the site changes between runs and exactly the right rows and revisions change; an
unchanged site costs a small constant number of requests; a killed crawl resumes without loss; two
crawls never write at once; a site whose pages changed under us fails the health check."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
import sqlite_utils

from knytscrape.cli import LOCAL_SETTINGS
from knytscrape.mirror import MirrorServer
from knytscrape.mirror.mutations import make_comment
from tests.conftest import CRAWL_ENV, PROJECT_ROOT, TODAY, crawl
from tests.expected import article_row, comment_rows

pytestmark = pytest.mark.slow  # crawls or a browser: left out of the quick lane (-m 'not slow')

CONTENT = ("articles", "images", "comments", "videos", "events")


def snapshot(db, tables=CONTENT) -> dict:
    """Every row without the crawl bookkeeping (first/last seen), for comparing two archives."""
    skip = {"first_seen", "last_seen", "source_url", "url", "page_url"}
    return {t: sorted((tuple((k, v) for k, v in r.items() if k not in skip) for r in db[t].rows), key=repr)
            for t in tables}


def differences(got: dict, want: dict) -> list:
    """(table, id, column, got, want) for every cell that differs; whole rows missing on either side."""
    found = []
    for table in want:
        mine = {dict(r)["id"]: dict(r) for r in got[table]}
        theirs = {dict(r)["id"]: dict(r) for r in want[table]}
        for key in mine.keys() | theirs.keys():
            if key not in mine or key not in theirs:
                found.append((table, key, "row", key in mine, key in theirs))
                continue
            found += [(table, key, c, mine[key][c], theirs[key][c])
                      for c in theirs[key] if mine[key][c] != theirs[key][c]]
    return found


def article_requests(server, since: int) -> list:
    return [r for r in server.request_log[since:] if "artiklar.php" in r.path]


@pytest.fixture
def site():
    with MirrorServer() as server:
        yield server


def test_changes_between_runs_reach_exactly_the_right_rows(site, tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    assert crawl(site.base_url, db_path).returncode == 0
    truth = site.truth()
    newest = sorted(a["id"] for a in truth["articles"])
    edited, removed, commented = newest[-1], newest[-2], newest[-3]
    commented_before = next(a for a in truth["articles"] if a["id"] == commented)
    new_id = newest[-1] + 3
    site.add_article({**next(a for a in truth["articles"] if a["id"] == edited), "id": new_id,
                      "title": "Ny artikel om cykelbanor.", "published": "2025-11-01", "published_raw": "2025-11-01",
                      "images": [], "gallery_line": None, "image_count": None, "comments": None, "lead_image": None})
    site.update_article(edited, title="Ändrad rubrik.", body=["Helt ny brödtext.", "Och ett stycke till."])
    site.remove_article(removed)
    site.add_comment(commented, make_comment("Ny Läsare", "Tack för texten!", "2025-11-02T10:15:00+01:00", "skrev"))
    if commented_before["comments"]:
        site.remove_comment(commented, 0)
    event = next(e for e in truth["events"]  # an upcoming event: those are fetched again on every run
                 if e["has_page"] and (e["starts_at"] or "") >= TODAY and not e["previous_starts_at"])
    site.update_event(event["id"], starts_at="2027-01-16", ends_at=None, all_day=True, date_text=["Datum: 2027-01-16"])
    gone_event = next(e for e in truth["events"] if e["has_page"] and e["id"] != event["id"])
    site.remove_event(gone_event["id"])

    result = crawl(site.base_url, db_path)
    assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite_utils.Database(db_path)
    now = site.truth()
    stored = {r["id"]: r for r in db.query("SELECT * FROM articles")}
    assert {k: stored[new_id][k] for k in article_row(now["articles"][-1])} == article_row(
        next(a for a in now["articles"] if a["id"] == new_id))
    assert stored[edited]["title"] == "Ändrad rubrik."
    assert stored[edited]["body"] == "Helt ny brödtext.\n\nOch ett stycke till."
    assert stored[removed]["removed_at"] is not None and stored[removed]["title"]  # kept, marked
    active = [dict(r) for r in db.query(
        "SELECT article_id, position, author, posted, posted_raw, text FROM comments "
        "WHERE article_id = ? AND removed_at IS NULL ORDER BY position", [commented])]
    assert active == comment_rows(next(a for a in now["articles"] if a["id"] == commented))
    revisions = {(r["record_id"], r["field"], r["change"]) for r in db.query("SELECT * FROM revisions")}
    assert (str(edited), "title", "edited") in revisions and (str(edited), "body", "edited") in revisions
    assert (str(removed), "removed_at", "removed") in revisions
    assert any(t == "text" and c == "added" for _, t, c in revisions)
    untouched = [a["id"] for a in now["articles"] if a["id"] not in (edited, removed, commented, new_id)]
    changed_ids = {r["article_id"] for r in db.query("SELECT article_id FROM revisions")}
    assert changed_ids.isdisjoint(untouched)
    events = {r["title"]: r for r in db.query("SELECT * FROM events")}
    assert events[event["title"]]["starts_at"] == "2027-01-16"
    assert events[event["title"]]["previous_starts_at"] == event["starts_at"]
    assert events[gone_event["title"]]["removed_at"] is not None
    runs = list(db.query("SELECT mode, items_new, items_changed FROM crawls WHERE spider = 'articles' ORDER BY id"))
    assert [r["mode"] for r in runs] == ["full", "incremental"]
    assert runs[1]["items_new"] == 1 and runs[1]["items_changed"] == 2


def test_an_edited_comment_is_one_edit_not_a_removal(site, tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    assert crawl(site.base_url, db_path).returncode == 0
    article = next(a for a in site.truth()["articles"] if a["comments"] and len(a["comments"]) >= 2
                   and all(c["posted_raw"] for c in a["comments"]))
    before = article["comments"][1]

    def edit(truth):
        comment = next(a for a in truth["articles"] if a["id"] == article["id"])["comments"][1]
        comment["text"] = comment["text"] + " (Rättat: jag menade tisdag.)"

    site.mutate(edit)
    result = crawl(site.base_url, db_path, "--full")
    assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite_utils.Database(db_path)
    rows = list(db.query("SELECT * FROM comments WHERE article_id = ? AND position = 2 ORDER BY first_seen, rowid",
                         [article["id"]]))
    assert [(r["text"], r["removed_at"] is None) for r in rows] == [
        (before["text"], False), (before["text"] + " (Rättat: jag menade tisdag.)", True)]
    old, new = rows
    assert new["replaces"] == old["id"] and old["replaces"] is None
    comment_revisions = list(db.query("SELECT * FROM revisions WHERE table_name = 'comments'"))
    assert [(r["record_id"], r["change"], r["old"], r["new"]) for r in comment_revisions] == [
        (new["id"], "edited", old["text"], new["text"])]
    others = list(db.query("SELECT * FROM comments WHERE article_id = ? AND position != 2", [article["id"]]))
    assert all(r["removed_at"] is None and r["replaces"] is None for r in others)


@pytest.mark.parametrize("extra", [0, 150])
def test_unchanged_site_costs_a_small_constant(extra, tmp_path):
    with MirrorServer(extra_articles=extra) as site:
        db_path = tmp_path / "knytpunkt.db"
        assert crawl(site.base_url, db_path).returncode == 0
        before = snapshot(sqlite_utils.Database(db_path))
        mark = len(site.request_log)
        assert crawl(site.base_url, db_path).returncode == 0
        requests = article_requests(site, mark)
        # the front page's 10 articles and the 5 newest, rechecked conditionally, and 5 probes above
        assert len(requests) <= 10 + 5 + 5
        assert sum(r.status == 304 for r in requests) >= len(requests) - 5
        # all three spiders: robots and front pages, the section lists, the recent events again
        assert len(site.request_log) - mark <= 50
        db = sqlite_utils.Database(db_path)
        assert snapshot(db) == before
        assert db["revisions"].count == 0


def test_killed_crawl_resumes_to_the_same_archive(tmp_path):
    with MirrorServer(extra_articles=100) as site:
        clean = tmp_path / "clean.db"
        assert crawl(site.base_url, clean).returncode == 0
        killed = tmp_path / "knytpunkt.db"
        for kill_after, how in ((150, signal.SIGKILL), (600, signal.SIGTERM)):
            mark = len(site.request_log)
            process = start_crawl(site.base_url, killed)
            deadline = time.monotonic() + 120
            while len(site.request_log) - mark < kill_after and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            process.send_signal(how)
            process.wait(timeout=120)
        assert crawl(site.base_url, killed).returncode == 0
        db = sqlite_utils.Database(killed)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert differences(snapshot(db), snapshot(sqlite_utils.Database(clean))) == []
        statuses = [r["status"] for r in db.query("SELECT status FROM crawls WHERE spider = 'articles' ORDER BY id")]
        assert statuses[-1] == "finished" and "finished" not in statuses[:-1]


def start_crawl(base_url, db_path):
    command = [sys.executable, "-m", "knytscrape.cli", "crawl", "--base-url", base_url, "--db", str(db_path),
               "-s", "LOG_LEVEL=WARNING"]
    for name, value in LOCAL_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    return subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=CRAWL_ENV)


def test_second_crawl_at_once_is_refused(site, tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    first = start_crawl(site.base_url, db_path)
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "knytpunkt.db.lock").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        second = crawl(site.base_url, db_path)
        assert second.returncode == 3
        assert "another crawl" in second.stderr and "Traceback" not in second.stderr
    finally:
        first.wait(timeout=300)
    assert first.returncode == 0


def test_changed_markup_fails_the_health_check(site, tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    assert crawl(site.base_url, db_path).returncode == 0

    def unreadable_dates(truth):
        for article in truth["articles"]:
            article["published_raw"], article["published"] = article["published_raw"][:4] + "-13-45", None

    site.mutate(unreadable_dates)
    result = crawl(site.base_url, db_path, "--full")
    assert result.returncode == 1
    assert "published" in result.stderr
    problems = sqlite_utils.Database(db_path).execute(
        "SELECT problems FROM crawls WHERE spider = 'articles' ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert "published" in problems
