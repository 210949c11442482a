"""What a crawl holds does not grow with the archive (issue 13): each bound that keeps it flat, tested on its own.

The id walk keeps at most KNYT_WALK_WINDOW article requests and KNYT_LIST_WINDOW list pages in flight; the articles
a yearly archive links wait as bits, not as requests; the ids asked, stored and listed take a bit (or four bytes)
an id; the stored pages' validators are looked up one at a time; the WARC writer remembers the newest LATEST_KEPT
pages; the summary reads ten titles of each kind. Peak RSS of whole crawls is measured by
benchmarks/memory_crawl.py (timing and sizes live there, not here).
"""

from __future__ import annotations

import datetime
import random
import tracemalloc
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from knytscrape import ledger, run_changes
from knytscrape.db import open_database
from knytscrape.mirror import render
from knytscrape.spiders.articles import ArticlesSpider
from knytscrape.spiders.id_walk import BITMAP_LIMIT, IdCounts, IdEvidence, IdSet, WaitingIds
from knytscrape.state import StoredPages, load_state

BASE = "http://127.0.0.1:1"
KB = 1024


def held_by(build) -> tuple[object, int]:
    """What ``build()`` returns and the bytes of Python memory it still holds (tracemalloc: sizes, not time)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        value = build()
        return value, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def peak_of(work) -> int:
    """The peak of Python memory allocated while ``work()`` runs, above what was held before."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        work()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


# -- ids at a bit each ----------------------------------------------------------------------------------


def test_an_id_set_holds_twenty_thousand_ids_in_a_few_kilobytes():
    ids, held = held_by(lambda: IdSet(range(1, 20_001)))
    assert len(ids) == 20_000 and 1 in ids and 20_000 in ids and 0 not in ids and 20_001 not in ids
    assert ids.bytes_held <= 20_001 // 8 + 1
    assert held < 8 * KB  # a Python set of the same ids holds about 1.5 MB


def test_an_id_set_is_a_set():
    ids = IdSet([5, 3, 99999999, 3, 1 << 30])
    assert len(ids) == 4 and list(ids) == [3, 5, 99999999, 1 << 30]
    ids.discard(3)
    ids.discard(4)  # not there: nothing happens
    ids.discard(99999999)
    assert list(ids) == [5, 1 << 30] and len(ids) == 2 and 3 not in ids and "3" not in ids
    ids |= [7, 5]
    assert list(ids) == [5, 7, 1 << 30]
    assert ids.pop_lowest() == 5 and ids.pop_lowest() == 7 and ids.pop_lowest() == 1 << 30 and not ids
    with pytest.raises(KeyError):
        ids.pop_lowest()


def test_a_far_id_does_not_stretch_the_bitmap():
    ids = IdSet([BITMAP_LIMIT, 10**12])
    assert ids.bytes_held == 0 and BITMAP_LIMIT in ids and 10**12 in ids


def test_pop_lowest_goes_back_for_an_id_added_below():
    ids = IdSet([100, 200])
    assert ids.pop_lowest() == 100
    ids.add(50)
    assert [ids.pop_lowest(), ids.pop_lowest()] == [50, 200]


def test_waiting_articles_hold_a_bit_each_and_come_out_lowest_first_by_reason():
    def fill():
        waiting = WaitingIds()
        for number in random.Random(13).sample(range(1, 20_001), 20_000):
            if number != 3:  # the spider pushes an id once (``ask``)
                waiting.push(number, "linked")
        return waiting

    waiting, held = held_by(fill)
    assert len(waiting) == 19_999 and held < 8 * KB
    waiting.push(3, "recheck")
    assert [waiting.pop() for _ in range(3)] == [(1, "linked"), (2, "linked"), (4, "linked")]
    assert (3, "recheck") not in [waiting.pop() for _ in range(19_996)]
    assert waiting.pop() == (3, "recheck") and len(waiting) == 0


def test_listed_comment_counts_take_four_bytes_an_id():
    def fill():
        counts = IdCounts()
        for number in range(1, 20_001):
            counts[number] = number % 7
        return counts

    counts, held = held_by(fill)
    assert counts.get(700) == 0 and counts.get(701) == 1 and counts.get(20_001) is None and counts.get(0) is None
    assert counts.bytes_held <= 20_001 * 4 and held < 100 * KB  # a dict of the same takes about 1.3 MB
    counts[5] = 99999999999999999999  # a page may print anything: kept as printed
    counts[10**9] = 2
    assert counts.get(5) == 99999999999999999999 and counts.get(10**9) == 2
    counts[5] = 4
    assert counts.get(5) == 4


# -- the spider's windows ---------------------------------------------------------------------------------


def articles_spider(tmp_path: Path, **settings) -> ArticlesSpider:
    from knytscrape import settings as project

    values = {name: value for name, value in vars(project).items() if name.isupper()}
    values.update({"KNYT_DB": str(tmp_path / "knytpunkt.db"), **settings})
    crawler = get_crawler(ArticlesSpider, settings_dict=values)
    crawler.spider = ArticlesSpider.from_crawler(crawler, base_url=BASE)
    return crawler.spider


def list_response(path: str, extra_articles: int) -> HtmlResponse:
    page = render(path, extra_articles=extra_articles)
    url = BASE + path
    return HtmlResponse(url, body=page.body, headers={"Content-Type": page.headers["Content-Type"]},
                        request=Request(url, meta={"knyt_kind": "list", "knyt_window": "list"}))


def requests_of(output, kind: str) -> list[Request]:
    return [r for r in output if isinstance(r, Request) and r.meta.get("knyt_kind") == kind]


@pytest.fixture(scope="module")
def big_archive() -> HtmlResponse:
    """A yearly archive of one category that lists about 750 articles (the mirror with 3,000 more)."""
    return list_response("/art_ar.php?ar=2025&kat_id=1", 3000)


def test_an_archive_of_hundreds_of_articles_puts_only_the_window_in_the_scheduler(tmp_path, big_archive):
    spider = articles_spider(tmp_path, KNYT_WALK_WINDOW=7)
    output = list(spider.parse_list(big_archive))
    linked = {r.cb_kwargs["number"] for r in requests_of(output, "article")}
    assert len(linked) == 7 == spider.window_in_flight
    listed = [number for item in output for number, _ in getattr(item, "counts", ())]
    assert len(listed) > 500  # every entry's count is handed on, none lost to the window
    assert len(spider.waiting) == len(set(listed)) - 7  # the others wait as ids
    assert spider.listed_comment_counts.get(listed[-1]) is not None


def test_a_list_page_is_read_without_a_tree_kept_on_the_response(tmp_path, big_archive):
    class NoCachedTree(HtmlResponse):
        @property
        def selector(self):
            raise AssertionError("a tree of the page cached on the response, held until its items are stored")

    response = NoCachedTree(big_archive.url, body=big_archive.body, headers=big_archive.headers,
                            request=big_archive.request)
    output = list(articles_spider(tmp_path).parse_list(response))
    assert requests_of(output, "article")


def test_the_walk_never_holds_more_than_its_window_and_asks_every_id_once(tmp_path):
    window, top = 9, 400
    spider = articles_spider(tmp_path, KNYT_WALK_WINDOW=window, KNYT_ID_PROBE_MISSES=30)
    exists = {n for n in range(1, top + 1) if n % 5}  # the site has gaps
    for number in random.Random(1).sample(sorted(exists), 60):  # linked from the lists, in any order
        spider.know(number)
        spider.ask(number)
    pending = list(spider.walk())
    asked = [r.cb_kwargs["number"] for r in pending]
    most = len(pending)
    shuffle = random.Random(2)
    while pending:
        request = pending.pop(shuffle.randrange(len(pending)))  # answered in any order
        spider.walk_step_done(request)
        if request.cb_kwargs["number"] in exists:
            spider.found(request.cb_kwargs["number"])
        for new in spider.walk():
            pending.append(new)
            asked.append(new.cb_kwargs["number"])
        most = max(most, len(pending))
        assert spider.window_in_flight == len(pending)
    assert most == window
    assert sorted(asked) == list(range(1, max(exists) + 31))  # every id once, and 30 beyond the highest found


def test_a_dropped_request_frees_its_place_once(tmp_path):
    spider = articles_spider(tmp_path, KNYT_WALK_WINDOW=3)
    spider.evidence.add(50)
    requests = list(spider.walk())
    assert len(requests) == 3 and not list(spider.walk())
    spider.request_dropped(requests[0], spider)  # a redirect the duplicate filter dropped
    spider.walk_step_done(requests[0])  # ... whatever else comes of it later
    assert spider.window_in_flight == 2
    assert [r.cb_kwargs["number"] for r in spider.walk()] == [4]


def test_at_most_the_list_window_of_yearly_archives_is_fetched_at_once(tmp_path):
    spider = articles_spider(tmp_path, KNYT_LIST_WINDOW=2)
    front = list_response("/", 0)
    output = list(spider.parse_list(front))
    lists = requests_of(output, "list")
    assert len(lists) == 2 and len(spider.waiting_lists) > 10  # the menu links every year's archives
    archive = HtmlResponse(lists[0].url, body=render(lists[0].url[len(BASE):]).body, request=lists[0])
    following = requests_of(list(spider.parse_list(archive)), "list")
    assert len(following) == 1 and spider.lists_in_flight == 2  # one read, the next one asked


def test_an_article_found_before_the_archives_that_reach_it_counts_once_they_do(tmp_path):
    spider = articles_spider(tmp_path)
    spider.evidence = IdEvidence(100)  # as start() sets it from KNYT_ID_MAX_GAP
    spider.found(250)  # linked from the front page, answered first: beyond the evidence (top 0)
    assert spider.highest_found == 0
    for number in (90, 180):  # the archives come in
        spider.know(number)
    spider.know(250)
    list(spider.walk())
    assert spider.highest_found == 250  # so the walk goes on 30 ids beyond it


# -- the state read at start ------------------------------------------------------------------------------


def archive_database(path: Path, articles: int) -> None:
    db = open_database(str(path))
    with db.atomic():
        db["articles"].insert_all(({"id": n, "url": f"https://knytpunkt.se/artiklar.php?id={n}", "title": f"Rubrik {n}",
                                    "published": "2020-01-02", "first_seen": "2026-11-25T10:00:00+01:00",
                                    "last_seen": "2026-11-25T10:00:00+01:00"} for n in range(1, articles + 1)),
                                   pk="id", batch_size=1000)
        db["pages"].insert_all(({"url_key": f"/artiklar.php?id={n}", "etag": f'"{n:032x}"',
                                 "last_modified": "Sun, 16 Nov 2025 00:00:00 GMT", "body_hash": f"{n:040x}"}
                                for n in range(1, articles + 1)), pk="url_key", batch_size=1000)
    db.close()


def test_the_state_of_a_large_archive_is_read_without_holding_it(tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    archive_database(db_path, 20_000)
    state, held = held_by(lambda: load_state(str(db_path), 60, datetime.date(2026, 11, 25)))
    try:
        assert len(state.known_ids) == 20_000 and 12_345 in state.known_ids and state.highest_id == 20_000
        assert state.recheck_ids == [19_996, 19_997, 19_998, 19_999, 20_000]  # the newest few
        assert held < 64 * KB  # every id, and no page's validators (they were 10 MB for 20,000 pages)
        assert isinstance(state.validators, StoredPages)
        assert state.validators.get("/artiklar.php?id=12345") == (f'"{12345:032x}"', "Sun, 16 Nov 2025 00:00:00 GMT",
                                                                  f"{12345:040x}")
        assert state.validators.get("/artiklar.php?id=20001") is None
    finally:
        state.close()


def test_the_ledger_is_read_up_to_what_a_run_asks(tmp_path):
    db = open_database(str(tmp_path / "knytpunkt.db"))
    now = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)
    with db.atomic():
        db["missing"].insert_all(({"id": f"articles /artiklar.php?id={n}", "spider": "articles",
                                   "url_key": f"/artiklar.php?id={n}", "article_id": n, "kind": "http_500",
                                   "runs": 1 if n % 2 else 5, "first_seen": f"2026-11-{1 + n % 20:02}T10:00:00+00:00",
                                   "last_seen": "2026-11-25T11:00:00+00:00"} for n in range(1, 3001)), pk="id")
    due_now, waiting = ledger.due_entries(db, "articles", now, 5)
    assert len(due_now) == 5 and waiting == 2995
    assert all(entry["runs"] == 1 for entry in due_now)  # the others wait (failed in five runs, an hour ago)
    assert [e["first_seen"] for e in due_now] == sorted(e["first_seen"] for e in due_now)
    assert ledger.due_entries(db, "videos", now, 5) == ([], 0)
    db.close()


# -- the summary --------------------------------------------------------------------------------------------


def test_the_summary_of_a_run_that_stored_thousands_reads_ten_titles(tmp_path):
    db_path = tmp_path / "knytpunkt.db"
    db = open_database(str(db_path))
    seen = "2026-11-25T10:00:05+01:00"
    long_title = "Ny artikel om cykelbanor " * 8
    with db.atomic():
        crawl_id = db["crawls"].insert({"spider": "articles", "started": "2026-11-25T10:00:00+01:00",
                                        "finished": "2026-11-25T11:00:00+01:00", "status": "finished"}, pk="id").last_pk
        db["articles"].insert_all(({"id": n, "title": f"{long_title}{n}", "first_seen": seen, "last_seen": seen}
                                   for n in range(1, 20_001)), pk="id", batch_size=1000)
        db["revisions"].insert_all(({"table_name": "articles", "record_id": str(n), "article_id": n, "field": "title",
                                     "change": "edited", "old": f"Gammal rubrik {n}", "new": f"{long_title}{n}",
                                     "seen": seen} for n in range(20_000, 0, -1)), pk="id", batch_size=1000)
    db.close()
    run_changes.change_lines(str(db_path), crawl_id)  # the modules it imports on first use are not its memory
    lines: list[str] = []
    peak = peak_of(lambda: lines.extend(run_changes.change_lines(str(db_path), crawl_id)))
    assert lines[0].startswith("  new articles (20000): Ny artikel om cykelbanor") and lines[0].endswith(
        " … and 19990 more")
    # the first ten changed in the order of their revisions: the highest ids were revised first
    assert lines[1].startswith("  changed articles (20000): ") and lines[1].endswith(" … and 19990 more")
    assert lines[1].count(" · ") == 9
    assert peak < 1024 * KB  # the titles of 20,000 articles alone are 4 MB


# -- the WARC writer --------------------------------------------------------------------------------------------


def test_the_warc_writer_remembers_the_newest_pages_and_finds_older_ones_in_its_index(tmp_path, monkeypatch):
    from knytscrape.middlewares import warc
    from tests.test_ledger import Stats

    monkeypatch.setattr(warc, "LATEST_KEPT", 60)  # well above INDEX_BATCH (50), as it must be
    session = warc.CaptureSession(tmp_path / "warc", str(tmp_path / "knytpunkt.db"), 1 << 30)
    session.open(Stats())

    def capture(number: int) -> str:
        url = f"{BASE}/artiklar.php?id={number}"
        body = f"<html><body><p>Artikel {number}.</p></body></html>".encode()
        response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html"})
        return session.capture(Request(url), response, "articles", None)

    try:
        assert [capture(n) for n in range(1, 501)] == ["response"] * 500
        assert len(session.latest) == 60
        assert capture(1) == "revisit"  # forgotten by the writer, found in the index
        assert capture(500) == "revisit"
    finally:
        session.close()


# -- the duplicate filter -----------------------------------------------------------------------------------------


def test_the_duplicate_filter_keeps_no_fingerprint_of_the_walks_articles_but_filters_the_rest(tmp_path):
    from knytscrape import settings as project
    from knytscrape.extensions.dupefilter import WalkAwareDupeFilter

    assert project.DUPEFILTER_CLASS == "knytscrape.extensions.dupefilter.WalkAwareDupeFilter"
    spider = articles_spider(tmp_path, KNYT_WALK_WINDOW=5000)
    for number in range(1, 4001):  # linked from the yearly archives
        spider.ask(number)
    seen = WalkAwareDupeFilter.from_crawler(spider.crawler)
    articles = list(spider.walk())
    assert len(articles) == 4000 and not any(seen.request_seen(request) for request in articles)
    assert len(seen._fingerprints) == 0  # the spider's requested ids already know them, at a bit each
    front = Request(f"{BASE}/")
    assert seen.request_seen(front) is False and seen.request_seen(Request(f"{BASE}/")) is True
    # a missing id the site sends to its front page: the redirect is dropped as a duplicate, as before
    redirected = articles[9].replace(url=f"{BASE}/")
    redirected.meta["redirect_urls"] = [articles[9].url]
    assert seen.request_seen(redirected) is True
