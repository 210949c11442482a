"""Publishing with Datasette: the project's metadata and settings, for any database file.

The metadata (``metadata.yml``) and the Datasette settings (``settings.json``) ship inside the package, in
knytscrape/resources/, and are read with importlib.resources: a checkout, an editable install and a wheel
installed anywhere read the same files. What belongs to the user stays in the working folder's ``data/``
(relative to the current directory, like the database's default ``data/knytpunkt.db``): the downloaded
pictures (``data/images/``, or $KNYT_IMAGES_DIR) and optional template overrides and plugins
(``data/templates/``, ``data/plugins/``).

``knytscrape serve`` and ``datasette_app`` open the database read-only but not immutable (Datasette's
``?mode=ro``): every query reads one consistent snapshot of the WAL database, so it can be served while a
crawl writes it, and each page shows what was committed when it was asked. Immutable (``-i``) is only for a
copy that never changes: ``knytscrape package`` / ``publish`` (knytscrape/packaging.py).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import yaml

# The files the package ships: knytscrape/resources/ (package data, see [tool.setuptools.package-data]).
RESOURCES = resources.files("knytscrape") / "resources"
METADATA_FILE = "metadata.yml"  # the archive's title, description, column descriptions and canned queries
SETTINGS_FILE = "settings.json"  # Datasette settings (--setting NAME VALUE)
# The user's own folder, relative to the current directory (resolved when used): images/, templates/, plugins/.
DATA_DIR = Path("data")
METADATA_DB_NAME = "knytpunkt"  # the database key in the shipped metadata.yml
IMAGES_MOUNT = "images"  # the downloaded pictures are served at /images/ (see knytscrape/reading.py)
PLUGIN_NAME = "knytscrape"  # the plugin's entry point name: its configuration in the metadata's "plugins"
PUBLIC_URL_ENV = "KNYT_PUBLIC_URL"  # the archive's public address, when no --public-url is given
# The plugin's setting that, false, leaves the process-wide limits (SQLite's heap) unset: datasette_app sets
# it, as its process is a test's or a script's, whose other SQLite work they would bound too.
PROCESS_LIMITS = "process_limits"
# ``knytscrape serve --public``: Datasette settings stricter than the shipped settings.json, for a server anyone
# reaches.
PUBLIC_SETTINGS = {"sql_time_limit_ms": 1000, "facet_time_limit_ms": 100}


def resource_text(name: str) -> str:
    """A file the package ships (knytscrape/resources/NAME), as text."""
    return (RESOURCES / name).read_text(encoding="utf-8")


def load_settings() -> dict:
    """The shipped Datasette settings (knytscrape/resources/settings.json)."""
    return json.loads(resource_text(SETTINGS_FILE))


def load_metadata() -> dict:
    """The shipped metadata (knytscrape/resources/metadata.yml), as written: its database is ``knytpunkt``."""
    return yaml.safe_load(resource_text(METADATA_FILE))


def user_folder(name: str) -> Path | None:
    """The user's own ``data/NAME`` folder in the current directory (templates, plugins), when it exists."""
    folder = DATA_DIR / name
    return folder.resolve() if folder.is_dir() else None


def metadata_for(db_path: str | Path) -> dict:
    """The shipped metadata with its database section under the name Datasette gives ``db_path``."""
    metadata = load_metadata()
    databases = metadata.get("databases", {})
    name = Path(db_path).stem
    if METADATA_DB_NAME in databases and name != METADATA_DB_NAME:
        databases[name] = databases.pop(METADATA_DB_NAME)
        # links in the description point into the database by its name
        metadata["description_html"] = metadata.get("description_html", "").replace(
            f"/{METADATA_DB_NAME}/", f"/{name}/")
    return metadata


def valid_public_url(text: str) -> str:
    """The archive's public address (its home page, e.g. ``https://arkiv.example.org/``), ending in ``/``."""
    text = text.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"not an http(s) address of the archive's home page: {text!r}")
    return text.rstrip("/") + "/"


def with_public_url(metadata: dict, public_url: str | None) -> dict:
    """The metadata with the plugin's ``public_url`` (the Atom feed's id and self link), when there is one."""
    if public_url:
        plugins = metadata.setdefault("plugins", {})
        plugins[PLUGIN_NAME] = {**plugins.get(PLUGIN_NAME, {}), "public_url": valid_public_url(public_url)}
    return metadata


def images_dir() -> Path | None:
    """The downloaded pictures ($KNYT_IMAGES_DIR or data/images/ in the current directory, where a crawl puts
    them by default) when there are any, served at /images/."""
    images = Path(os.environ.get("KNYT_IMAGES_DIR", DATA_DIR / "images"))
    return images.resolve() if images.is_dir() else None


def checkpoint(db_path: str | Path) -> None:
    """Fold the WAL into the file: an immutable open would not see rows still in the WAL (packaging only)."""
    connection = sqlite3.connect(db_path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def setting_options(settings: dict) -> list[str]:
    """Datasette settings as ``--setting NAME VALUE`` options of ``datasette serve``."""
    options = []
    for name, value in settings.items():
        options += ["--setting", name, value if isinstance(value, str) else json.dumps(value)]
    return options


def settings_for(public: bool = False) -> dict:
    """The shipped settings.json, with PUBLIC_SETTINGS over it for a public server."""
    settings = load_settings()
    if public:
        settings.update(PUBLIC_SETTINGS)
    return settings


def datasette_command(db_path: str | Path, host: str, port: int, *, public_url: str | None = None,
                      public: bool = False) -> list[str]:
    """The ``datasette serve`` command line for the published archive: read-only (``?mode=ro``), not
    immutable, so that it serves what a crawl commits while it runs."""
    metadata_file = Path(tempfile.mkdtemp(prefix="knytscrape-")) / "metadata.json"
    metadata = with_public_url(metadata_for(db_path), public_url)
    metadata_file.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
    command = [sys.executable, "-m", "datasette", "serve", str(db_path), "--host", host,
               "--port", str(port), "--metadata", str(metadata_file)]
    command += setting_options(settings_for(public))
    images = images_dir()
    if images:
        command += ["--static", f"{IMAGES_MOUNT}:{images}"]  # downloaded pictures, shown instead of the site's
    for name, option in (("templates", "--template-dir"), ("plugins", "--plugins-dir")):
        folder = user_folder(name)
        if folder:
            command += [option, str(folder)]
    return command


def datasette_app(db_path: str | Path, *, immutable: bool = False, public_url: str | None = None,
                  public: bool = False, process_limits: bool = False):
    """The published Datasette, in process (tests, scripts): the same database mode, metadata and settings as
    ``serve`` (read-only, not immutable); ``immutable=True`` serves it as a package does, WAL folded in first.

    Every bound of a query holds as in ``serve`` but the process-wide ones: SQLite's heap limit would bound
    every other SQLite connection of the calling process too (a test's, a script's, a crawl's), so it is
    set only with ``process_limits=True`` (``serve`` and a packaged or published copy always set it)."""
    from datasette.app import Datasette

    if immutable:
        checkpoint(db_path)
    metadata = with_public_url(metadata_for(db_path), public_url)
    plugins = metadata.setdefault("plugins", {})
    plugins[PLUGIN_NAME] = {**plugins.get(PLUGIN_NAME, {}), PROCESS_LIMITS: process_limits}
    templates = user_folder("templates")
    plugins = user_folder("plugins")
    images = images_dir()
    return Datasette(
        [] if immutable else [str(db_path)],
        immutables=[str(db_path)] if immutable else [],
        metadata=metadata,
        settings=settings_for(public),
        template_dir=str(templates) if templates else None,
        plugins_dir=str(plugins) if plugins else None,
        static_mounts=[(IMAGES_MOUNT, str(images))] if images else None,
    )
