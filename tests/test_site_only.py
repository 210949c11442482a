"""No request leaves the crawled copy of the site: redirects (HTTP and meta refresh) to another port or
another host name, ``dont_filter`` gallery views, pictures elsewhere and robots.txt of other hosts are
dropped before they are sent. Servers on 127.0.0.1 on different ports; Scrapy's real engine."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
import sqlite_utils
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from knytscrape.middlewares.site_only import OffsiteRequest, SiteOnlyMiddleware
from knytscrape.mirror.app import MirrorResponse
from knytscrape.mirror.server import MirrorServer
from tests.conftest import CRAWL_ENV, PROJECT_ROOT, crawl


class RecordingServer:
    """A small HTTP server on 127.0.0.1 that records every request (Host header and target) and answers
    from ``routes`` (target -> (status, headers, body)), else 200 with a small HTML page."""

    def __init__(self, routes: dict | None = None):
        self.requests: list[tuple[str, str]] = []
        self.routes = routes or {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.requests.append((self.headers.get("Host", ""), self.path))
                status, headers, body = outer.routes.get(self.path, (200, {"Content-Type": "text/html"},
                                                                     b"<html><body>elsewhere</body></html>"))
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def offsite_stats(db_path) -> Counter:
    totals: Counter = Counter()
    for row in sqlite_utils.Database(db_path).query("SELECT stats FROM crawls"):
        for name, value in json.loads(row["stats"] or "{}").items():
            if name.startswith("knyt/offsite/"):
                totals[name] += value
    return totals


@pytest.mark.slow
def test_the_crawl_never_leaves_the_crawled_copy(tmp_path):
    with RecordingServer() as other, MirrorServer() as site:
        articles = site.truth()["articles"]
        with_gallery = [a["id"] for a in articles if a["image_count"]]
        without = [a["id"] for a in articles if a["id"] not in with_gallery[:3]]
        gallery_a, gallery_b, gallery_f = with_gallery[:3]
        article_c, article_e = without[0], without[1]
        here = f"127.0.0.1:{site.port}"
        other_port = other.url
        other_name = f"http://localhost:{site.port}"  # this very server under another host name
        other_both = f"http://localhost:{other.port}"
        wrong_hosts: list[tuple[str, str]] = []
        refresh = (f'<html><head><meta http-equiv="refresh" content="0; url={other_port}/refresh"></head>'
                   "<body><p>Flyttad</p></body></html>").encode()
        redirects = {
            f"/artiklar.php?id={gallery_a}&img=1": (302, f"{other_port}/artiklar.php?id={gallery_a}&img=1"),
            f"/artiklar.php?id={gallery_b}&img=1": (301, f"{other_name}/artiklar.php?id={gallery_b}&img=1"),
            f"/artiklar.php?id={article_c}": (302, f"{other_both}/artiklar.php?id={article_c}"),
        }

        @site.intercept
        def elsewhere(target, headers):
            if headers.get("Host") != here:
                wrong_hosts.append((headers.get("Host"), target))
            if target in redirects:
                status, location = redirects[target]
                return MirrorResponse(status, {"Location": location, "Content-Type": "text/html"}, b"")
            if target == f"/artiklar.php?id={article_e}":
                return MirrorResponse(200, {"Content-Type": "text/html; charset=utf-8"}, refresh)
            if target in ("/", f"/artiklar.php?id={gallery_f}&img=1"):
                page = site.render(target)
                body = page.body.replace(b"</body>", f'<a href="{other_port}/artiklar.php?id=1">x</a>'
                                                     f'<a href="{other_name}/artiklar.php?id=2">y</a></body>'.encode())
                # gallery view F shows its picture from the other server
                body = re.sub(rb'src="bilder/(\d+)/' + str(gallery_f).encode() + rb'_1\.jpg"',
                              f'src="{other_port}/bilder/{gallery_f}_1.jpg"'.encode(), body)
                headers = {k: v for k, v in page.headers.items() if k.lower() not in ("content-length", "etag")}
                return MirrorResponse(page.status, headers, body)
            return None

        db_path = tmp_path / "knytpunkt.db"
        result = crawl(site.base_url, db_path, "-s", "KNYT_DOWNLOAD_IMAGES=1", "-s",
                       f"KNYT_IMAGES_DIR={tmp_path / 'images'}", "-s", f"IMAGES_STORE={tmp_path / 'images'}")
        served = list(site.requests)
    log = result.stdout + result.stderr
    # every redirect, the refresh and the picture were really offered to the crawler
    for target in [*redirects, f"/artiklar.php?id={article_e}", f"/artiklar.php?id={gallery_f}&img=1"]:
        assert target in served, log[-3000:]
    assert other.requests == [], log[-3000:]  # not even robots.txt
    assert wrong_hosts == [], log[-3000:]
    stats = offsite_stats(db_path)
    assert stats == {
        "knyt/offsite/dropped": 5,
        "knyt/offsite/redirected": 4,  # A, B, C and the meta refresh of E; the picture was linked directly
        "knyt/offsite/reason/other_port": 3,  # A, E and F's picture
        "knyt/offsite/reason/other_host": 2,  # B and C
    }, log[-3000:]
    assert f"Dropped a request off the crawled site (other port): {other_port}/bilder/{gallery_f}_1.jpg" in log
    assert (f"Dropped a request off the crawled site (other host): {other_both}/artiklar.php?id={article_c} "
            f"(redirected from {site.base_url}/artiklar.php?id={article_c})") in log
    stored = {row["id"] for row in sqlite_utils.Database(db_path).query("SELECT id FROM articles")}
    assert {gallery_a, gallery_b, gallery_f} <= stored  # a gallery view off the site costs that view only


PROBE_SPIDER = """
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

site, other, out = sys.argv[1:4]
seen = []


class Probe(scrapy.Spider):
    name = "probe"
    base_url = site

    async def start(self):
        for url, options in ((other + "/direct", {"dont_filter": True}), (site + "/away", {}),
                             (site + "/away-unfiltered", {"dont_filter": True}), (site + "/ok", {})):
            yield scrapy.Request(url, callback=self.read, errback=self.failed, **options)

    def read(self, response):
        seen.append(["ok", response.url])

    def failed(self, failure):
        seen.append([type(failure.value).__name__, failure.request.url])


process = CrawlerProcess({
    "DOWNLOADER_MIDDLEWARES": {"scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
                               "knytscrape.middlewares.site_only.SiteOnlyMiddleware": 10},
    "ROBOTSTXT_OBEY": True, "REMOTE_CONTROL_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
})
crawler = process.create_crawler(Probe)
process.crawl(crawler)
process.start()
json.dump({"seen": sorted(seen), "stats": {k: v for k, v in crawler.stats.get_stats().items()
                                           if k.startswith("knyt/")}}, open(out, "w"))
"""


@pytest.mark.slow  # a scrapy crawl process
def test_the_errback_receives_the_dropped_request(tmp_path):
    with RecordingServer() as other:
        routes = {"/away": (302, {"Location": f"{other.url}/landing"}, b""),
                  "/away-unfiltered": (307, {"Location": f"{other.url}/landing2"}, b"")}
        with RecordingServer(routes) as site:
            out = tmp_path / "seen.json"
            result = subprocess.run([sys.executable, "-c", PROBE_SPIDER, site.url, other.url, str(out)],
                                    cwd=PROJECT_ROOT, env=CRAWL_ENV, capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, result.stderr[-3000:]
        assert other.requests == []
    report = json.loads(out.read_text())
    assert report["seen"] == sorted([
        ["OffsiteRequest", f"{other.url}/direct"],
        ["OffsiteRequest", f"{other.url}/landing"],
        ["OffsiteRequest", f"{other.url}/landing2"],
        ["ok", f"{site.url}/ok"],
    ])
    assert report["stats"]["knyt/offsite/dropped"] == 3
    assert result.stderr.count("Dropped a request off the crawled site") == 3


def site_only_for(base_url: str) -> tuple:
    """(a crawler whose spider crawls ``base_url``, the SiteOnlyMiddleware of that crawler)."""
    crawler = get_crawler()
    crawler.spider = SimpleNamespace(base_url=base_url)
    return crawler, SiteOnlyMiddleware.from_crawler(crawler)


@pytest.mark.parametrize(
    ("url", "reason"),
    [("http://127.0.0.1:8000/artiklar.php?id=1", None), ("HTTP://127.0.0.1:8000/x", None),
     ("http://127.0.0.1:8001/x", "other_port"), ("http://localhost:8000/x", "other_host"),
     ("https://127.0.0.1:8000/x", "other_scheme"), ("http://127.0.0.1/x", "other_port"),
     ("ftp://127.0.0.1:8000/x", "other_scheme"), ("data:text/html,hej", "other_scheme"),
     ("http://127.0.0.1.evil.example:8000/x", "other_host"),
     ("http://127.0.0.1:8000@evil.example:8000/", "other_host")],
)
def test_origin_rule(url, reason):
    crawler, middleware = site_only_for("http://127.0.0.1:8000")
    request = Request(url, dont_filter=True, meta={"allow_offsite": True})
    if reason is None:
        assert middleware.process_request(request) is None
        return
    with pytest.raises(OffsiteRequest):
        middleware.process_request(request)
    assert crawler.stats.get_value(f"knyt/offsite/reason/{reason}") == 1
    assert crawler.stats.get_value("knyt/offsite/dropped") == 1


def test_default_ports_are_the_same_origin():
    crawler, middleware = site_only_for("https://knytpunkt.se")
    assert middleware.process_request(Request("https://knytpunkt.se:443/artiklar.php?id=1")) is None
    assert middleware.process_request(Request("https://KNYTPUNKT.SE./")) is None
    for url in ("http://knytpunkt.se/", "https://www.knytpunkt.se/", "https://knytpunkt.se:8443/"):
        with pytest.raises(OffsiteRequest):
            middleware.process_request(Request(url))


def test_the_crawled_copy_may_live_under_a_path():
    crawler, middleware = site_only_for("http://127.0.0.1:8000/knytpunkt")
    assert middleware.process_request(Request("http://127.0.0.1:8000/bilder/1.jpg")) is None
