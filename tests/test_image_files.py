"""Optional image download: off by default, one setting to turn on; files, thumbnails, size and checksum."""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlite_utils

from tests.conftest import crawl


def test_downloading_every_image(mirror, tmp_path):
    db_path, images_dir = tmp_path / "knytpunkt.db", tmp_path / "images"
    result = crawl(mirror.base_url, db_path, "-s", "KNYT_DOWNLOAD_IMAGES=1", "-s", f"KNYT_IMAGES_DIR={images_dir}")
    assert result.returncode == 0, result.stderr
    rows = list(sqlite_utils.Database(db_path).query("SELECT url, local_path, file_size, checksum FROM images"))
    assert rows
    for row in rows:
        path = Path(row["local_path"])
        assert path.is_file() and path.is_relative_to(images_dir)
        assert path.stat().st_size == row["file_size"]
        assert hashlib.md5(path.read_bytes()).hexdigest() == row["checksum"]
    assert len(list((images_dir / "thumbs" / "small").glob("*.jpg"))) == len({r["local_path"] for r in rows})


def test_off_by_default(crawled):
    _, db = crawled
    assert db.execute("SELECT count(local_path) FROM images").fetchone()[0] == 0
