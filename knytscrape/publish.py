"""Publishing with Datasette: the project's metadata and settings from data/, for any database file."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
METADATA_DB_NAME = "knytpunkt"  # the database key in data/metadata.yml
IMAGES_MOUNT = "images"  # the downloaded pictures are served at /images/ (see knytscrape/reading.py)


def load_settings() -> dict:
    return json.loads((DATA_DIR / "settings.json").read_text(encoding="utf-8"))


def metadata_for(db_path: str | Path) -> dict:
    """data/metadata.yml with its database section under the name Datasette gives ``db_path``."""
    metadata = yaml.safe_load((DATA_DIR / "metadata.yml").read_text(encoding="utf-8"))
    databases = metadata.get("databases", {})
    name = Path(db_path).stem
    if METADATA_DB_NAME in databases and name != METADATA_DB_NAME:
        databases[name] = databases.pop(METADATA_DB_NAME)
        # links in the description point into the database by its name
        metadata["description_html"] = metadata.get("description_html", "").replace(
            f"/{METADATA_DB_NAME}/", f"/{name}/")
    return metadata


def images_dir() -> Path | None:
    """The downloaded pictures ($KNYT_IMAGES_DIR or data/images/) when there are any, served at /images/."""
    images = Path(os.environ.get("KNYT_IMAGES_DIR", DATA_DIR / "images"))
    return images.resolve() if images.is_dir() else None


def checkpoint(db_path: str | Path) -> None:
    """Fold the WAL into the file: an immutable open would not see rows still in the WAL."""
    connection = sqlite3.connect(db_path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def setting_options(settings: dict) -> list[str]:
    """data/settings.json as ``--setting NAME VALUE`` options of ``datasette serve``."""
    options = []
    for name, value in settings.items():
        options += ["--setting", name, value if isinstance(value, str) else json.dumps(value)]
    return options


def datasette_command(db_path: str | Path, host: str, port: int) -> list[str]:
    """The ``datasette serve`` command line for the published archive (read-only, immutable)."""
    metadata_file = Path(tempfile.mkdtemp(prefix="knytscrape-")) / "metadata.json"
    metadata_file.write_text(json.dumps(metadata_for(db_path), ensure_ascii=False), encoding="utf-8")
    command = [sys.executable, "-m", "datasette", "serve", "-i", str(db_path), "--host", host,
               "--port", str(port), "--metadata", str(metadata_file)]
    command += setting_options(load_settings())
    images = images_dir()
    if images:
        command += ["--static", f"{IMAGES_MOUNT}:{images}"]  # downloaded pictures, shown instead of the site's
    for folder, option in (("templates", "--template-dir"), ("plugins", "--plugins-dir")):
        if (DATA_DIR / folder).is_dir():
            command += [option, str(DATA_DIR / folder)]
    return command


def datasette_app(db_path: str | Path):
    """The published Datasette, in process (tests, scripts): same metadata and settings as ``serve``."""
    from datasette.app import Datasette

    checkpoint(db_path)
    templates = DATA_DIR / "templates"
    plugins = DATA_DIR / "plugins"
    images = images_dir()
    return Datasette(
        immutables=[str(db_path)],
        metadata=metadata_for(db_path),
        settings=load_settings(),
        template_dir=str(templates) if templates.is_dir() else None,
        plugins_dir=str(plugins) if plugins.is_dir() else None,
        static_mounts=[(IMAGES_MOUNT, str(images))] if images else None,
    )
