"""Publishing the archive elsewhere: ``datasette package`` and ``datasette publish`` with everything it needs.

A published copy holds what ``knytscrape serve`` serves:

* a snapshot of the database, served immutable (``-i``, which Datasette's Dockerfile always uses);
* ``metadata.json``, made from the shipped metadata.yml for the database's name (publish.metadata_for);
* the shipped settings.json, as ``--setting NAME VALUE`` options (``--extra-options``);
* the user's data/templates/ when it exists (``--template-dir``) and data/plugins/*.py (``--plugins-dir``);
* the downloaded pictures when there are any ($KNYT_IMAGES_DIR or data/images/, ``--static images:…``);
* the knytscrape package itself: its ``datasette`` entry point serves the reading pages, the feeds and the
  Swedish search, and needs knytscrape.feeds, knytscrape.search and the package data beside it.

The package goes in as a wheel built from this checkout. The wheel is put in a plugins directory of its
own, which Datasette's publishers copy into the build (``/app/plugins/``) and from which Datasette only
loads ``*.py`` files, so it is not served to the public as a ``--static`` mount would be; ``--install
./plugins/<wheel>`` makes the Dockerfile's ``pip install -U datasette ./plugins/<wheel>`` (run in
``/app``) install it with its dependencies.

That wheel requires only what the published archive runs: its ``Requires-Dist`` is the list
``[tool.knytscrape] publish-dependencies`` of pyproject.toml (a subset of ``[project] dependencies``, with the
same version ranges), not the crawler's Scrapy, parsel and Pillow. pip's extras cannot do this: they only add
to a package's requirements, and the plain install must keep crawling. So the copy of the sources the wheel
is built from gets that list as its dependencies (``published_pyproject``).

``write_build_context`` writes the same directory ``datasette package`` builds from (it uses Datasette's
own ``temporary_docker_directory``, hence ``make_dockerfile``) for ``docker build`` anywhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import tomllib

from knytscrape import publish

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout the wheel is built from
CONTEXT_NAME = "datasette"  # the build directory's name, as datasette package calls it
# The files a wheel of knytscrape is built from (pyproject.toml names README.md as its readme).
SOURCE_FILES = ("pyproject.toml", "README.md", "setup.py", "setup.cfg", "MANIFEST.in", "LICENSE", "LICENSE.txt")
SOURCE_PACKAGE = "knytscrape"
PUBLISH_DEPENDENCIES = "publish-dependencies"  # its key in pyproject's [tool.knytscrape]

# The command each publisher needs on this machine, and where to get it.
PUBLISHER_TOOLS = {
    "cloudrun": ("gcloud", "https://cloud.google.com/sdk/docs/install"),
    "heroku": ("heroku", "https://devcenter.heroku.com/articles/heroku-cli"),
    "fly": ("flyctl", "https://fly.io/docs/flyctl/install/"),
}
# Publishers that come as Datasette plugins.
PUBLISHER_PLUGINS = {"fly": "datasette-publish-fly", "vercel": "datasette-publish-vercel"}
# Publishers that would deploy a broken archive, and why.
UNSUPPORTED_PUBLISHERS = {
    name: "its app is a serverless function that ignores --extra-options (so the settings would be lost) "
          "and points --template-dir and --plugins-dir at paths of this machine. Use cloudrun, fly, heroku "
          "or `knytscrape package`."
    for name in ("vercel", "now")
}


class PackagingError(Exception):
    """Something the user can fix (no database, no Docker, unknown publisher…): one line, exit status 2."""


@dataclass(frozen=True)
class Bundle:
    """Everything a published copy is made of, as local paths ready for datasette's publishers."""

    db: Path  # the snapshot of the database, WAL folded in
    metadata: Path  # metadata.json for the database's name
    plugins: Path  # the knytscrape wheel (and the user's data/plugins/*.py, if any)
    wheel: str  # the wheel's file name inside ``plugins``
    settings: dict
    templates: Path | None = None
    images: Path | None = None

    @property
    def install(self) -> list[str]:
        """``--install`` items: the wheel by its path relative to /app, where the Dockerfile runs pip."""
        return [f"./plugins/{self.wheel}"]

    @property
    def static(self) -> list[tuple[str, Path]]:
        return [(publish.IMAGES_MOUNT, self.images)] if self.images else []


# -- command lines --------------------------------------------------------------------------------


def settings_options(settings: dict) -> list[str]:
    """Datasette settings as ``--setting NAME VALUE`` options (the values as ``knytscrape serve`` gives them)."""
    options = publish.setting_options(settings)
    for name, text in zip(options[1::3], options[2::3], strict=True):
        if not text or any(char.isspace() for char in text):
            # datasette's publishers split --extra-options on whitespace
            raise PackagingError(f"setting {name} in settings.json cannot be published: {text!r}")
    return options


def split_extra_options(extra: Sequence[str]) -> tuple[list[str], list[str]]:
    """The user's arguments without ``--extra-options``, and the words of those options (to merge with ours)."""
    rest, words = [], []
    items = iter(extra)
    for item in items:
        if item == "--extra-options":
            words += next(items, "").split()
        elif item.startswith("--extra-options="):
            words += item.partition("=")[2].split()
        else:
            rest.append(item)
    return rest, words


def datasette_options(bundle: Bundle, extra_words: Sequence[str] = ()) -> list[str]:
    """The options of ``datasette package`` / ``datasette publish`` that put the whole archive in."""
    options = ["--metadata", str(bundle.metadata)]
    if bundle.templates:
        options += ["--template-dir", str(bundle.templates)]
    options += ["--plugins-dir", str(bundle.plugins)]
    for mount, path in bundle.static:
        options += ["--static", f"{mount}:{path}"]
    for item in bundle.install:
        options += ["--install", item]
    options += ["--extra-options", " ".join([*settings_options(bundle.settings), *extra_words])]
    return options


def package_command(bundle: Bundle, extra: Sequence[str] = ()) -> list[str]:
    """``datasette package`` for the archive; ``extra`` (e.g. ``--tag NAME``, ``--port N``) goes last."""
    rest, words = split_extra_options(extra)
    return [sys.executable, "-m", "datasette", "package", str(bundle.db), *datasette_options(bundle, words), *rest]


def publish_command(target: str, bundle: Bundle, extra: Sequence[str] = ()) -> list[str]:
    """``datasette publish TARGET`` for the archive; ``extra`` (e.g. ``--service NAME``) goes last."""
    rest, words = split_extra_options(extra)
    return [sys.executable, "-m", "datasette", "publish", target, str(bundle.db),
            *datasette_options(bundle, words), *rest]


# -- checks ---------------------------------------------------------------------------------------


def require_database(db_path: str | Path) -> Path:
    path = Path(db_path)
    if not path.is_file():
        raise PackagingError(f"no database at {db_path}: run `knytscrape crawl` (or `knytscrape demo`) first")
    return path


def require_docker() -> None:
    """Docker's command and a daemon it can reach, as ``datasette package`` runs ``docker build``."""
    docker = shutil.which("docker")
    if not docker:
        raise PackagingError("Docker is not installed (no `docker` command): install it from "
                             "https://docs.docker.com/get-docker/, or write the build context with --out DIR "
                             "and build it where Docker runs")
    try:
        result = subprocess.run([docker, "info"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PackagingError(f"Docker does not answer (`docker info`: {error}); "
                             "start it, or use --out DIR and build elsewhere") from None
    if result.returncode != 0:
        reason = next((line.strip() for line in result.stderr.splitlines() if line.strip()), "no reason given")
        raise PackagingError(f"Docker is not running (`docker info`: {reason}); "
                             "start it, or use --out DIR and build elsewhere")


def installed_publishers() -> list[str]:
    """The targets of ``datasette publish`` in this environment (built in and from plugins)."""
    from datasette.cli import publish as publish_group

    return sorted(publish_group.commands)


def require_publisher(target: str) -> None:
    if target in UNSUPPORTED_PUBLISHERS:
        raise PackagingError(f"publishing to {target} is not supported: {UNSUPPORTED_PUBLISHERS[target]}")
    installed = installed_publishers()
    if target not in installed:
        hint = f"; `pip install {PUBLISHER_PLUGINS[target]}` adds it" if target in PUBLISHER_PLUGINS else ""
        raise PackagingError(f"no publisher {target!r} for `datasette publish`: installed are "
                             f"{', '.join(installed) or 'none'}{hint}")
    if target in PUBLISHER_TOOLS:
        tool, link = PUBLISHER_TOOLS[target]
        if not shutil.which(tool):
            raise PackagingError(f"publishing to {target} needs the `{tool}` command, installed and logged in: "
                                 f"see {link}")


def require_empty_dir(out: str | Path) -> Path:
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise PackagingError(f"--out {out} is a file, not a directory")
    if path.is_dir() and any(path.iterdir()):
        raise PackagingError(f"--out {out} is not empty: give a new or empty directory")
    return path


# -- the pieces -----------------------------------------------------------------------------------


def snapshot(db_path: str | Path, folder: Path) -> Path:
    """A copy of the database under its own name, complete without a WAL file.

    The WAL is checkpointed into the original first (as ``knytscrape serve`` does), then the copy is made
    with SQLite's backup API, which is consistent even while a crawl writes, and switched to the rollback
    journal so that the one file is the whole database.
    """
    target = folder / Path(db_path).name
    try:
        publish.checkpoint(db_path)
        source = sqlite3.connect(db_path)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise PackagingError(f"cannot read the database {db_path}: {error}") from None
    return target


def published_pyproject(text: str) -> str:
    """pyproject.toml with ``[tool.knytscrape] publish-dependencies`` as its ``[project] dependencies``: the
    requirements of the wheel a published copy installs. Each must be one of the dependencies as written."""
    config = tomllib.loads(text)
    dependencies = config.get("project", {}).get("dependencies", [])
    wanted = config.get("tool", {}).get("knytscrape", {}).get(PUBLISH_DEPENDENCIES)
    if not wanted or not isinstance(wanted, list):
        raise PackagingError(f"pyproject.toml has no [tool.knytscrape] {PUBLISH_DEPENDENCIES} list")
    strange = [item for item in wanted if item not in dependencies]
    if strange:
        raise PackagingError(f"[tool.knytscrape] {PUBLISH_DEPENDENCIES} in pyproject.toml names what is not "
                             f"one of [project] dependencies, as written there: {', '.join(strange)}")
    array = "dependencies = [\n" + "".join(f"    {json.dumps(item)},\n" for item in wanted) + "]\n"
    result, count = re.subn(r"^dependencies = \[\n.*?^\]\n", lambda _: array, text, count=1, flags=re.M | re.S)
    if count != 1 or tomllib.loads(result).get("project", {}).get("dependencies") != wanted:
        raise PackagingError("cannot set the published wheel's dependencies: pyproject.toml's [project] "
                             "dependencies are not one `dependencies = [` ... `]` block")
    return result


def build_wheel(folder: Path, project_root: Path | None = None, *, published: bool = False) -> Path:
    """A wheel of knytscrape from this checkout, built from a copy of its sources (the checkout stays clean).

    ``published``: the wheel a published copy installs, requiring only what serving needs
    (``published_pyproject``); otherwise the wheel as ``pip wheel .`` makes it, crawler and all."""
    root = project_root or PROJECT_ROOT
    if not (root / "pyproject.toml").is_file() or not (root / SOURCE_PACKAGE).is_dir():
        raise PackagingError(f"the knytscrape sources are not at {root}: run from a checkout of the project "
                             "(a wheel is built from them)")
    with tempfile.TemporaryDirectory(prefix="knytscrape-src-") as tmp:
        source = Path(tmp) / "knytscrape"
        source.mkdir()
        for name in SOURCE_FILES:
            if (root / name).is_file():
                shutil.copy2(root / name, source / name)
        if published:
            pyproject = source / "pyproject.toml"
            pyproject.write_text(published_pyproject(pyproject.read_text(encoding="utf-8")), encoding="utf-8")
        shutil.copytree(root / SOURCE_PACKAGE, source / SOURCE_PACKAGE,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        folder.mkdir(parents=True, exist_ok=True)
        before = set(folder.glob("*.whl"))
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
             "--wheel-dir", str(folder), str(source)],
            capture_output=True, text=True,
        )
    wheels = sorted(set(folder.glob("knytscrape-*.whl")) - before)
    if result.returncode != 0 or not wheels:
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"pip exited with status {result.returncode}"
        raise PackagingError(f"cannot build a wheel of knytscrape (pip wheel): {reason}")
    return wheels[-1]


@contextlib.contextmanager
def prepared(db_path: str | Path) -> Iterator[Bundle]:
    """Every piece of the published archive in a temporary directory, removed afterwards."""
    require_database(db_path)
    with tempfile.TemporaryDirectory(prefix="knytscrape-publish-") as tmp:
        folder = Path(tmp)
        (folder / "db").mkdir()
        db = snapshot(db_path, folder / "db")
        metadata = folder / "metadata.json"
        metadata.write_text(json.dumps(publish.metadata_for(db), ensure_ascii=False, indent=2), encoding="utf-8")
        plugins = folder / "plugins"
        plugins.mkdir()
        own_plugins = publish.user_folder("plugins")
        if own_plugins:
            for path in own_plugins.glob("*.py"):
                shutil.copy2(path, plugins / path.name)
        wheel = build_wheel(plugins, published=True)
        yield Bundle(
            db=db,
            metadata=metadata,
            plugins=plugins,
            wheel=wheel.name,
            settings=publish.load_settings(),
            templates=publish.user_folder("templates"),
            images=publish.images_dir(),
        )


def write_build_context(bundle: Bundle, out: str | Path, secret: str | None = None) -> Path:
    """The directory ``datasette package`` would run ``docker build`` in, written to ``out``.

    Made by Datasette's own ``temporary_docker_directory`` (and so ``make_dockerfile``) with the options of
    ``package_command``, then moved out of its temporary place. ``secret`` signs Datasette's cookies; a
    random one is made, as ``datasette package`` does, and ends up in the Dockerfile.
    """
    from datasette.utils import temporary_docker_directory

    target = require_empty_dir(out)
    target.mkdir(parents=True, exist_ok=True)
    with open(bundle.metadata, encoding="utf-8") as metadata, temporary_docker_directory(
        files=[str(bundle.db)],
        name=CONTEXT_NAME,
        metadata=metadata,
        extra_options=" ".join(settings_options(bundle.settings)),
        branch=None,
        template_dir=str(bundle.templates) if bundle.templates else None,
        plugins_dir=str(bundle.plugins),
        static=[(mount, str(path)) for mount, path in bundle.static],
        install=bundle.install,
        spatialite=False,
        version_note=None,
        secret=secret or os.urandom(32).hex(),
    ) as context:
        for child in sorted(Path(context).iterdir()):
            shutil.move(str(child), str(target / child.name))
    return target
