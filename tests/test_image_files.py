"""Optional image download: off by default, one setting to turn on; files, thumbnails, size and checksum."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest
import sqlite_utils
from parsel import Selector

from knytscrape.publish import datasette_app
from knytscrape.reading import copy_path
from tests.conftest import crawl

pytestmark = pytest.mark.slow  # crawls or a browser: left out of the quick lane (-m 'not slow')


@pytest.fixture(scope="module")
def downloaded(mirror, tmp_path_factory):
    """The mirror crawled with image download on, into a folder not named "images"."""
    tmp_path = tmp_path_factory.mktemp("downloaded")
    db_path, images_dir = tmp_path / "knytpunkt.db", tmp_path / "pictures"
    result = crawl(mirror.base_url, db_path, "-s", "KNYT_DOWNLOAD_IMAGES=1", "-s", f"KNYT_IMAGES_DIR={images_dir}")
    assert result.returncode == 0, result.stderr
    return db_path, images_dir


def test_downloading_every_image(downloaded):
    db_path, images_dir = downloaded
    rows = list(sqlite_utils.Database(db_path).query("SELECT url, local_path, file_size, checksum FROM images"))
    assert rows
    for row in rows:
        path = Path(row["local_path"])
        assert path.is_file() and path.is_relative_to(images_dir)
        assert path.stat().st_size == row["file_size"]
        assert hashlib.md5(path.read_bytes()).hexdigest() == row["checksum"]
    # besides these: the lead pictures and the videos' pictures, kept by their address (no row records them)
    database = sqlite_utils.Database(db_path)
    others = {row[0] for row in database.execute(
        "SELECT lead_image_url FROM articles WHERE lead_image_url IS NOT NULL UNION "
        "SELECT thumbnail_url FROM videos WHERE thumbnail_url IS NOT NULL").fetchall()}
    others -= {r["url"] for r in rows}
    for url in others:
        assert (images_dir / copy_path(url)).is_file(), url
    assert len(list((images_dir / "thumbs" / "small").glob("*.jpg"))) == len({r["local_path"] for r in rows}) + len(
        others)


def test_downloading_the_media_files_of_videos(downloaded):
    db_path, images_dir = downloaded
    files = [row[0] for row in sqlite_utils.Database(db_path).execute(
        "SELECT embed_url FROM videos WHERE provider = 'file'").fetchall()]
    assert files
    for url in files:
        path = images_dir / copy_path(url, media=True)
        assert path.is_file() and path.stat().st_size > 0, url


def test_off_by_default(crawled):
    _, db = crawled
    assert db.execute("SELECT count(local_path) FROM images").fetchone()[0] == 0


def test_the_published_archive_shows_the_downloaded_copies(downloaded, monkeypatch):
    """Tables show the downloaded thumbnail, reading pages the downloaded picture, both served at /images/."""
    db_path, images_dir = downloaded
    monkeypatch.setenv("KNYT_IMAGES_DIR", str(images_dir))
    app = datasette_app(db_path)
    db = sqlite_utils.Database(db_path)
    article_id, local_path, url = db.execute(
        "SELECT article_id, local_path, url FROM images WHERE kind = 'gallery' LIMIT 1").fetchone()
    name = Path(local_path).name

    table = Selector(text=asyncio.run(app.client.get(f"/knytpunkt/images?article_id={article_id}")).text)
    assert f"/images/thumbs/small/{name}" in table.css("td.col-url img::attr(src)").getall()
    assert url in table.css("td.col-url a::attr(href)").getall(), "the picture links to the site's original"
    thumbnail = asyncio.run(app.client.get(f"/images/thumbs/small/{name}"))
    assert thumbnail.status_code == 200
    assert thumbnail.content == (images_dir / "thumbs" / "small" / name).read_bytes()

    page = Selector(text=asyncio.run(app.client.get(f"/knytpunkt/articles/{article_id}")).text)
    assert f"/images/full/{name}" in page.css("figure.knyt-figure img::attr(src)").getall()
    full = asyncio.run(app.client.get(f"/images/full/{name}"))
    assert full.status_code == 200 and full.content == Path(local_path).read_bytes()


def test_without_the_pictures_folder_the_sites_pictures_are_shown(downloaded, monkeypatch, tmp_path):
    db_path, _ = downloaded
    monkeypatch.setenv("KNYT_IMAGES_DIR", str(tmp_path / "not-there"))
    app = datasette_app(db_path)
    article_id, url = sqlite_utils.Database(db_path).execute(
        "SELECT article_id, url FROM images WHERE kind = 'gallery' LIMIT 1").fetchone()
    page = Selector(text=asyncio.run(app.client.get(f"/knytpunkt/articles/{article_id}")).text)
    assert url in page.css("figure.knyt-figure img::attr(src)").getall()
