"""Download size and memory bounds, and no listening socket of the crawler's own.

A compressed page that inflates to ~800 MB (a "gzip bomb") once took over 8 GB; now a crawl of a mirror
with one such article keeps its peak RSS small and stores the rest of the site. Scrapy 2.19 would also
open a code-execution HTTP endpoint (RemoteControl) on localhost during every crawl: it is off.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from pathlib import Path

import pytest
import sqlite_utils
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from knytscrape.middlewares.sizes import PageSizeMiddleware
from knytscrape.mirror.app import MirrorResponse
from knytscrape.mirror.server import MirrorServer
from tests.conftest import crawl_command, run_measured

MB = 1024 * 1024
BOMB_INFLATED_MB = 800
RSS_BOUND = 400 * MB


def project_settings():
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "knytscrape.settings")
    return get_project_settings()


def project_crawler():
    """A crawler with the names knytscrape/settings.py sets (the reactor left as the test process has it)."""
    from knytscrape import settings

    return get_crawler(settings_dict={name: value for name, value in vars(settings).items() if name.isupper()})


def gzip_bomb(inflated_mb: int = BOMB_INFLATED_MB) -> bytes:
    """A gzip body (about 1/1000 of its size) of an HTML page of ``inflated_mb`` MB, built a MB at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip format
    parts = [compressor.compress(b"<html><head><title>Bomb</title></head><body><p>")]
    block = b" " * MB
    parts += [compressor.compress(block) for _ in range(inflated_mb)]
    parts += [compressor.compress(b"</p></body></html>"), compressor.flush()]
    return b"".join(parts)


# -- the bomb --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_compressed_page_bomb_neither_exhausts_memory_nor_stops_the_crawl(tmp_path):
    bomb = gzip_bomb()
    assert len(bomb) < 2 * MB  # small on the wire, ~800 MB inflated
    with MirrorServer() as site:
        ids = sorted(a["id"] for a in site.truth()["articles"])
        bomb_id = ids[len(ids) // 2]
        bomb_target = f"/artiklar.php?id={bomb_id}"

        def serve_bomb(target, headers):
            if target == bomb_target:
                return MirrorResponse(200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
                                      bomb)
            return None

        site.intercept(serve_bomb)
        db_path = tmp_path / "knytpunkt.db"
        log = tmp_path / "crawl.log"
        status, peak_rss = run_measured(crawl_command(site.base_url, db_path), log)
        assert bomb_target in site.requests  # the bomb was asked for and served
    assert status >= 0, f"killed by signal {-status}"  # it ended by itself (the ledger decides 0 or 1)
    assert peak_rss < RSS_BOUND, f"peak RSS {peak_rss / MB:.0f} MB"
    stored = {row["id"] for row in sqlite_utils.Database(db_path).query("SELECT id FROM articles")}
    assert stored == set(ids) - {bomb_id}, log.read_text(errors="replace")[-3000:]
    assert "exceeded DOWNLOAD_MAXSIZE" in log.read_text(errors="replace")
    [entry] = sqlite_utils.Database(db_path).query("SELECT * FROM missing WHERE resolved_at IS NULL")
    assert (entry["article_id"], entry["kind"]) == (bomb_id, "too_large")  # in the ledger, not lost
    assert status == 1


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "br":
        import brotli

        return brotli.compress(body, quality=1)
    if encoding == "zstd":
        from backports import zstd

        return zstd.compress(body)
    raise ValueError(encoding)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
def test_the_page_bound_applies_to_the_decompressed_body(encoding):
    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware

    crawler = project_crawler()
    page_bound = crawler.settings.getint("KNYT_PAGE_MAXSIZE")
    assert 0 < page_bound <= 8 * MB < crawler.settings.getint("DOWNLOAD_MAXSIZE") <= 64 * MB
    decompression = HttpCompressionMiddleware.from_crawler(crawler)
    sizes = PageSizeMiddleware.from_crawler(crawler)
    url = "http://127.0.0.1/artiklar.php?id=1"

    def fetched(body: bytes) -> HtmlResponse:
        request = Request(url, callback=lambda response: None)
        sizes.process_request(request)
        response = HtmlResponse(url, headers={"Content-Encoding": encoding}, body=compress(body, encoding))
        return decompression.process_response(request, response)

    normal = b"<html><body>" + "Örebro ".encode() * 5000 + b"</body></html>"
    assert fetched(normal).body == normal
    with pytest.raises(IgnoreRequest, match="DOWNLOAD_MAXSIZE"):
        fetched(b" " * (page_bound + MB))


def test_pages_get_the_page_bound_and_pictures_the_larger_one():
    crawler = project_crawler()
    sizes = PageSizeMiddleware.from_crawler(crawler)
    page = Request("http://127.0.0.1/artiklar.php?id=1", callback=lambda response: None)
    robots = Request("http://127.0.0.1/robots.txt", callback=NO_CALLBACK)
    picture = Request("http://127.0.0.1/bilder/1.jpg", callback=NO_CALLBACK)  # as the ImagesPipeline asks
    own = Request("http://127.0.0.1/x", callback=lambda response: None, meta={"download_maxsize": 123})
    for request in (page, robots, picture, own):
        sizes.process_request(request)
    assert page.meta["download_maxsize"] == robots.meta["download_maxsize"] == crawler.settings.getint(
        "KNYT_PAGE_MAXSIZE")
    assert "download_maxsize" not in picture.meta  # DOWNLOAD_MAXSIZE applies
    assert own.meta["download_maxsize"] == 123


# -- no remote control, no listening socket --------------------------------------------------------------


def test_a_crawler_from_the_project_settings_has_no_remote_control_and_a_memory_bound():
    from scrapy.extensions.memusage import MemoryUsage
    from scrapy.extensions.remote_control import RemoteControl

    from knytscrape.extensions.memory import CurrentMemoryUsage

    settings = project_settings()
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getwithbase("EXTENSIONS")["scrapy.extensions.remote_control.RemoteControl"] is None
    assert 0 < settings.getint("MEMUSAGE_WARNING_MB") < settings.getint("MEMUSAGE_LIMIT_MB")
    crawler = project_crawler()
    kinds = [type(extension) for extension in crawler.extensions.middlewares]
    assert RemoteControl not in kinds
    # the project's own bound, on the memory held now (knytscrape/extensions/memory.py), and only it
    assert CurrentMemoryUsage in kinds and issubclass(CurrentMemoryUsage, MemoryUsage) and MemoryUsage not in kinds


def listening_ports(pid: int) -> set[int]:
    """TCP ports on which process ``pid`` itself has a listening socket (from /proc)."""
    try:
        own = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    except OSError:  # the process is ending
        return set()
    ports = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and f"socket:[{fields[9]}]" in own:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/net/tcp").exists(), reason="needs Linux /proc")
def test_a_real_crawl_opens_no_listening_socket(tmp_path):
    with MirrorServer() as site:
        # the detector itself: with Scrapy's remote control on, it sees the crawl's listening port
        seen: set[int] = set()

        def stop_when_listening(pid):
            seen.update(listening_ports(pid))
            if seen:
                os.kill(pid, 9)

        control = crawl_command(site.base_url, tmp_path / "control.db", "-s", "REMOTE_CONTROL_ENABLED=True",
                                "-s", "EXTENSIONS={}", "-s", f"REMOTE_CONTROL_JOBS_DIR={tmp_path / 'jobs'}")
        run_measured(control, tmp_path / "control.log", watch=stop_when_listening)
        assert seen, (tmp_path / "control.log").read_text(errors="replace")[-3000:]

        listening: set[int] = set()
        polls = []

        def record(pid):
            polls.append(pid)
            listening.update(listening_ports(pid))

        status, _ = run_measured(crawl_command(site.base_url, tmp_path / "knytpunkt.db"), tmp_path / "crawl.log",
                                 watch=record)
    assert status == 0, (tmp_path / "crawl.log").read_text(errors="replace")[-3000:]
    assert len(polls) > 10  # it was watched while it crawled
    assert listening == set()


def png_of(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")  # one bit a pixel: a big blank picture, a small file
    return buffer.getvalue()


def test_a_small_file_that_decodes_into_a_huge_picture_is_refused_before_decoding(tmp_path):
    from scrapy.pipelines.images import ImageException

    from knytscrape.pipelines.image_files import ImageFilesPipeline

    crawler = get_crawler(settings_dict={"KNYT_DOWNLOAD_IMAGES": True, "KNYT_IMAGES_DIR": str(tmp_path),
                                         "KNYT_IMAGE_MAX_PIXELS": 1_000_000})
    pipeline = ImageFilesPipeline.from_crawler(crawler)
    request = Request("http://127.0.0.1:1/bilder/stor.png")
    huge = png_of(3000, 3000)
    assert len(huge) < 100 * 1024
    with pytest.raises(ImageException, match="KNYT_IMAGE_MAX_PIXELS"):
        list(pipeline.get_images(Response(request.url, body=huge, request=request), request, None))
    small = png_of(800, 600)
    assert list(pipeline.get_images(Response(request.url, body=small, request=request), request, None))
