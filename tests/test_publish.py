"""Publishing elsewhere: ``knytscrape package --out`` writes a build context whose Dockerfile serves the archive.

Docker itself is not run (no daemon here): the Dockerfile's steps are run by hand in the build context, with
this environment's Python, the knytscrape wheel of the context installed on its own (``--target``, found
first on PYTHONPATH) in place of the image's ``pip install``, and every module the image would not have (all
but the closure of ``[tool.knytscrape] publish-dependencies``) made unimportable.

And knytscrape as a package: a wheel of it installed into a fresh virtual environment runs ``demo`` (the
mirror, a crawl, ``serve``), ``reparse`` and ``serve`` from a folder outside the checkout.
"""

from __future__ import annotations

import configparser
import csv
import hashlib
import html
import io
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from importlib import metadata as distributions
from pathlib import Path

import pytest
import tomllib
from datasette.utils import make_dockerfile
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from knytscrape import packaging, publish
from tests import processes, servers
from tests.servers import wait_until_answers

PROJECT_ROOT = Path(__file__).resolve().parent.parent
IMAGE_BYTES = b"\xff\xd8\xff\xe0 not really a jpeg"
IMAGE_PATH = "full/0a1b2c.jpg"


def knytscrape(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "knytscrape.cli", *args], capture_output=True, text=True,
                          timeout=300, env=env, cwd=cwd or PROJECT_ROOT)


def db_path_of(crawled) -> str:
    _, db = crawled
    return db.conn.execute("PRAGMA database_list").fetchone()[2]


def dockerfile_lines(context: Path) -> list[str]:
    return (context / "Dockerfile").read_text(encoding="utf-8").splitlines()


def step(context: Path, prefix: str) -> str:
    """The rest of the one Dockerfile line starting with ``prefix``."""
    [line] = [line for line in dockerfile_lines(context) if line.startswith(prefix + " ")]
    return line[len(prefix):].strip()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pyproject() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def package_data() -> set[str]:
    """Every file of the package besides its modules, as a wheel names it (knytscrape/...)."""
    return {path.relative_to(PROJECT_ROOT).as_posix() for path in (PROJECT_ROOT / "knytscrape").rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
            and not path.name.startswith(".")}


def wheel_metadata(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        [name] = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        return archive.read(name).decode("utf-8")


def required(wheel: Path) -> set[str]:
    """The wheel's requirements outside any extra, normalised (``Requires-Dist``)."""
    requirements = [Requirement(line.partition(":")[2]) for line in wheel_metadata(wheel).splitlines()
                    if line.startswith("Requires-Dist:")]
    return {str(req) for req in requirements if not (req.marker and "extra" in str(req.marker))}


def closure(requirements: list[str]) -> set[str]:
    """The distributions ``requirements`` install, as installed here (names normalised)."""
    found, todo = set(), [(Requirement(text), ()) for text in requirements]
    while todo:
        requirement, _ = todo.pop()
        name = canonicalize_name(requirement.name)
        if (name, frozenset(requirement.extras)) in found:
            continue
        found.add((name, frozenset(requirement.extras)))
        try:
            needs = distributions.requires(name) or []
        except distributions.PackageNotFoundError:
            continue
        for text in needs:
            need = Requirement(text)
            if need.marker is None or any(need.marker.evaluate({"extra": extra})
                                          for extra in ("", *requirement.extras)):
                todo.append((need, ()))
    return {name for name, _ in found}


def modules_not_in_the_image() -> set[str]:
    """The top-level modules installed here that a published copy's ``pip install`` would not bring: every
    one whose distributions are all outside the closure of publish-dependencies (knytscrape itself comes from
    the wheel, pip and setuptools with the image's Python)."""
    published = closure(pyproject()["tool"]["knytscrape"]["publish-dependencies"]) | {"pip", "setuptools", "wheel"}
    return {module for module, names in distributions.packages_distributions().items()
            if module != "knytscrape" and not module.startswith("_")
            and all(canonicalize_name(name) not in published for name in names)}


BLOCKER = """\
# Made by tests/test_publish.py: modules the published image would not have cannot be imported.
import sys

BLOCKED = frozenset({blocked!r})


class NotInTheImage:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}} (not installed in the published image)",
                                      name=name)
        return None


sys.meta_path.insert(0, NotInTheImage())
"""


# -- the build context ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def context(crawled, tmp_path_factory):
    """``knytscrape package --out DIR`` on the crawled mirror, with downloaded images."""
    base = tmp_path_factory.mktemp("package")
    images = base / "images"
    (images / "full").mkdir(parents=True)
    (images / IMAGE_PATH).write_bytes(IMAGE_BYTES)
    out = base / "out"
    result = knytscrape("package", "--db", db_path_of(crawled), "--out", str(out),
                        env={**os.environ, "KNYT_IMAGES_DIR": str(images)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"docker build -t knytpunkt {out}" in result.stdout
    return out


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_build_context_has_every_piece(context):
    names = {path.name for path in context.iterdir()}
    expected = {"Dockerfile", "knytpunkt.db", "metadata.json", "plugins", "images"}
    templates = PROJECT_ROOT / publish.DATA_DIR / "templates"  # the user's, in the folder it runs in
    if templates.is_dir():
        expected.add("templates")
        assert sorted(p.name for p in (context / "templates").iterdir()) == sorted(p.name for p in templates.iterdir())
    assert names == expected
    assert (context / "images" / IMAGE_PATH).read_bytes() == IMAGE_BYTES
    [wheel] = (context / "plugins").iterdir()
    assert wheel.name.startswith("knytscrape-") and wheel.suffix == ".whl"


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_metadata_is_the_projects(context):
    metadata = json.loads((context / "metadata.json").read_text(encoding="utf-8"))
    source = publish.load_metadata()
    assert metadata["title"] == source["title"]
    assert "tillhör sina upphovspersoner" in metadata["description_html"]
    assert metadata["databases"]["knytpunkt"]["queries"].keys() == source["databases"]["knytpunkt"]["queries"].keys()


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_database_is_a_whole_snapshot(crawled, context):
    _, db = crawled
    copy = sqlite3.connect(context / "knytpunkt.db")
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # no WAL file needed
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for table in ("articles", "images", "comments", "videos", "events", "crawls"):
            assert copy.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0] == db[table].count
    finally:
        copy.close()
    assert not list(context.glob("knytpunkt.db-*"))


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_dockerfile_is_datasettes_own(context):
    """Exactly what datasette package's make_dockerfile writes for the archive's options."""
    secret = step(context, "ENV DATASETTE_SECRET").strip("'")
    wheel = next((context / "plugins").iterdir()).name
    settings = publish.load_settings()
    expected = make_dockerfile(
        ["knytpunkt.db"], "metadata.json", " ".join(packaging.settings_options(settings)), None,
        (PROJECT_ROOT / publish.DATA_DIR / "templates").is_dir() or None, "plugins", [("images", "unused")],
        [f"./plugins/{wheel}"], False, None, secret,
    )
    assert (context / "Dockerfile").read_text(encoding="utf-8") == expected
    assert step(context, "RUN pip install") == f"-U datasette ./plugins/{wheel}"
    command = shlex.split(step(context, "CMD"))
    assert command[:5] == ["datasette", "serve", "--host", "0.0.0.0", "-i"] and command[5] == "knytpunkt.db"
    for name, value in settings.items():
        text = value if isinstance(value, str) else json.dumps(value)
        assert f"--setting {name} {text} " in step(context, "CMD")
    for option in ("--metadata metadata.json", "--plugins-dir plugins/", "--static images:images",
                   "--inspect-file inspect-data.json", "--port $PORT"):
        assert option in step(context, "CMD")


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_wheel_holds_the_plugin_and_its_entry_point(context):
    wheel = next((context / "plugins").iterdir())
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {"knytscrape/datasette_plugin.py", "knytscrape/datasette_plugin/__init__.py"} & names
        assert {"knytscrape/feeds.py", "knytscrape/search.py", "knytscrape/publish.py"} <= names
        # what the reading pages need: package data is what a wheel most often leaves out
        assert {"knytscrape/reading.py", "knytscrape/datasette_plugin/pagination.py",
                "knytscrape/datasette_plugin/templates/row.html", "knytscrape/datasette_plugin/templates/table.html",
                "knytscrape/datasette_plugin/static/reading.css"} <= names
        # the shipped metadata and settings, the mirror's content: every data file of the package
        assert {"knytscrape/resources/metadata.yml", "knytscrape/resources/settings.json"} <= names
        assert package_data() <= names, sorted(package_data() - names)
        [entry_points] = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        parser = configparser.ConfigParser()
        parser.read_string(archive.read(entry_points).decode("utf-8"))
    assert "Name: knytscrape" in wheel_metadata(wheel)
    assert dict(parser["datasette"]) == {"knytscrape": "knytscrape.datasette_plugin"}


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_the_images_wheel_requires_only_what_publishing_needs(context):
    """The Dockerfile's pip install brings Datasette and the plugin's libraries, not the crawler."""
    wheel = next((context / "plugins").iterdir())
    wanted = pyproject()["tool"]["knytscrape"]["publish-dependencies"]
    assert required(wheel) == {str(Requirement(text)) for text in wanted}
    assert not {"scrapy", "parsel", "pillow"} & {canonicalize_name(Requirement(t).name) for t in required(wheel)}


def test_publish_dependencies_are_dependencies_as_written():
    """The image gets the same version ranges as a plain install; a stray entry stops the build."""
    config = pyproject()
    assert set(config["tool"]["knytscrape"]["publish-dependencies"]) < set(config["project"]["dependencies"])
    text = (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert tomllib.loads(packaging.published_pyproject(text))["project"]["dependencies"] == \
        config["tool"]["knytscrape"]["publish-dependencies"]
    stray = text.replace("publish-dependencies = [\n", 'publish-dependencies = [\n    "datasette>=0.1",\n', 1)
    assert stray != text
    with pytest.raises(packaging.PackagingError, match="datasette>=0.1"):
        packaging.published_pyproject(stray)


# -- the Dockerfile's steps, run here -------------------------------------------------------------


def fetch(url: str, data: bytes | None = None):
    """(status, content type, body as text) of a GET (or POST with ``data``), errors included."""
    status, content_type, body = servers.fetch(url, data, timeout=10)
    return status, content_type, body.decode("utf-8")


@pytest.fixture(scope="module")
def served(context, tmp_path_factory):
    """The Dockerfile's steps in a copy of the build context (its COPY . /app), served on 127.0.0.1."""
    app = tmp_path_factory.mktemp("image") / "app"
    shutil.copytree(context, app)
    db_hash = sha256(app / "knytpunkt.db")
    site = tmp_path_factory.mktemp("site-packages")
    wheel = next((app / "plugins").iterdir())
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(site), str(wheel)], check=True, timeout=120)
    blocker = tmp_path_factory.mktemp("not-in-the-image")
    (blocker / "sitecustomize.py").write_text(BLOCKER.format(blocked=sorted(modules_not_in_the_image())),
                                              encoding="utf-8")
    # the wheel's knytscrape comes before the checkout's; what the image lacks cannot be imported
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(blocker)])}
    datasette = [sys.executable, "-m", "datasette"]
    inspect = ["inspect", *shlex.split(step(app, "RUN datasette inspect"))]
    subprocess.run(datasette + inspect, cwd=app, env=env, check=True, timeout=120)
    assert (app / "inspect-data.json").is_file()
    port = servers.free_port()
    command = shlex.split(step(app, "CMD").replace("$PORT", str(port)))
    assert command[0] == "datasette" and command[2:4] == ["--host", "0.0.0.0"]
    command = datasette + command[1:2] + ["--host", "127.0.0.1"] + command[4:]
    log = (tmp_path_factory.mktemp("log") / "datasette.log").open("w")
    process = subprocess.Popen(command, cwd=app, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(f"{base}/-/versions.json", process, Path(log.name))
        yield base, env, site, app, db_hash
    finally:
        processes.stop(process)
        log.close()


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_the_plugin_comes_from_the_wheel(served):
    _, env, site, _, _ = served
    found = subprocess.run([sys.executable, "-c", "import knytscrape.datasette_plugin as m; print(m.__file__)"],
                           capture_output=True, text=True, env=env, cwd="/", check=True).stdout.strip()
    assert Path(found).is_relative_to(site)


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_the_crawler_is_not_in_the_image(served):
    """The served archive runs without Scrapy, parsel and Pillow, as the image's pip install leaves them out."""
    _, env, _, _, _ = served
    for module in ("scrapy", "parsel", "PIL"):
        result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True,
                                env=env, cwd="/")
        assert result.returncode != 0 and "not installed in the published image" in result.stderr, module


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_home_page_has_the_archive_title(served):
    base, *_ = served
    title = publish.load_metadata()["title"]
    status, _, page = fetch(f"{base}/")
    assert status == 200 and title in page


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_feeds_answer(served):
    base, *_ = served
    status, content_type, body = fetch(f"{base}/-/feeds/events.ics")
    assert status == 200 and content_type.startswith("text/calendar")
    assert body.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in body
    status, content_type, _ = fetch(f"{base}/-/feeds/latest.atom")
    assert status == 200 and content_type.startswith("application/atom+xml")


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_swedish_search_function_is_there(served):
    base, *_ = served
    status, _, body = fetch(f"{base}/knytpunkt/search_everything.json?q=budget&_shape=array")
    assert status == 200, body
    assert isinstance(json.loads(body), list)
    assert any(row["kind"] == "artikel" for row in json.loads(body)), "budget is in the crawled mirror"


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_table_as_csv(served, crawled):
    base, *_ = served
    _, db = crawled
    status, content_type, body = fetch(f"{base}/knytpunkt/articles.csv?_size=max")
    assert status == 200 and content_type.startswith(("text/plain", "text/csv"))
    assert len(list(csv.DictReader(io.StringIO(body)))) == db["articles"].count


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_settings_are_applied(served):
    base, *_ = served
    settings = json.loads(fetch(f"{base}/-/settings.json")[2])
    for name, value in publish.load_settings().items():
        assert settings[name] == value, name


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_images_are_served(served):
    base, *_ = served
    with urllib.request.urlopen(f"{base}/images/{IMAGE_PATH}", timeout=10) as response:
        assert response.read() == IMAGE_BYTES


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_database_is_immutable(served):
    base, _, _, app, db_hash = served
    [database] = json.loads(fetch(f"{base}/-/databases.json")[2])
    assert database["name"] == "knytpunkt" and database["is_mutable"] is False
    for sql in ("delete from articles", "update articles set title = 'x'", "drop table articles"):
        status, _, body = fetch(f"{base}/knytpunkt.json?sql={urllib.parse.quote(sql)}")
        assert status == 400 and json.loads(body)["ok"] is False, sql
    status, _, _ = fetch(f"{base}/knytpunkt/articles/-/insert", data=b'{"row": {"id": 1}}')
    assert status in (403, 404, 405)  # no write API in Datasette 0.65; refused in 1.x on an immutable database
    assert fetch(f"{base}/knytpunkt/articles.json?_size=1")[0] == 200
    assert sha256(app / "knytpunkt.db") == db_hash


# -- the command lines of datasette package and publish -------------------------------------------


@pytest.fixture
def bundle(tmp_path):
    """A hand-made Bundle: every piece present, a stand-in wheel."""
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "knytscrape-0.1.0-py3-none-any.whl").write_bytes(b"PK")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "row.html").write_text("{% extends 'default:row.html' %}", encoding="utf-8")
    (tmp_path / "images" / "full").mkdir(parents=True)
    (tmp_path / "images" / IMAGE_PATH).write_bytes(IMAGE_BYTES)
    db = tmp_path / "knytpunkt.db"
    sqlite3.connect(db).close()
    metadata = tmp_path / "metadata.json"
    metadata.write_text(json.dumps(publish.metadata_for(db)), encoding="utf-8")
    return packaging.Bundle(db=db, metadata=metadata, plugins=tmp_path / "plugins",
                            wheel="knytscrape-0.1.0-py3-none-any.whl", settings=publish.load_settings(),
                            templates=tmp_path / "templates", images=tmp_path / "images")


def parsed_by_datasette(command: list[str], path: list[str]):
    """The parameters Datasette's own click command reads from ``command`` (nothing is run)."""
    from datasette.cli import cli

    group = cli
    for name in path:
        group = group.commands[name]
    start = command.index(path[-1]) + 1
    context = group.make_context(path[-1], command[start:])
    params = dict(context.params)
    if params.get("metadata"):
        params["metadata"].close()
        params["metadata"] = params["metadata"].name
    return params


def test_package_command_assembles_every_option(bundle):
    command = packaging.package_command(bundle, ["--tag", "knytpunkt", "--port", "8080"])
    assert command[:4] == [sys.executable, "-m", "datasette", "package"]
    params = parsed_by_datasette(command, ["package"])
    assert params["files"] == (str(bundle.db),)
    assert params["metadata"] == str(bundle.metadata)
    assert params["template_dir"] == str(bundle.templates)
    assert params["plugins_dir"] == str(bundle.plugins)
    assert params["install"] == ("./plugins/knytscrape-0.1.0-py3-none-any.whl",)
    assert [(mount, str(path)) for mount, path in params["static"]] == [("images", str(bundle.images))]
    assert params["extra_options"] == " ".join(packaging.settings_options(publish.load_settings()))
    assert "--setting allow_download false" in params["extra_options"]
    assert params["tag"] == "knytpunkt" and params["port"] == 8080


def test_publish_command_passes_the_users_options_on(bundle):
    command = packaging.publish_command("cloudrun", bundle, ["--service", "knytpunkt", "--extra-options", "--cors"])
    assert command[:5] == [sys.executable, "-m", "datasette", "publish", "cloudrun"]
    params = parsed_by_datasette(command, ["publish", "cloudrun"])
    assert params["service"] == "knytpunkt"
    assert params["files"] == (str(bundle.db),)
    assert params["install"] == ("./plugins/knytscrape-0.1.0-py3-none-any.whl",)
    assert params["plugins_dir"] == str(bundle.plugins) and params["template_dir"] == str(bundle.templates)
    # the user's --extra-options join ours instead of replacing them
    assert params["extra_options"].startswith("--setting suggest_facets false")
    assert params["extra_options"].endswith(" --cors")
    heroku = parsed_by_datasette(packaging.publish_command("heroku", bundle, ["--name", "knyt"]), ["publish", "heroku"])
    assert heroku["name"] == "knyt" and heroku["static"][0][0] == "images"


def test_optional_pieces_are_left_out_when_missing(bundle):
    bare = packaging.Bundle(db=bundle.db, metadata=bundle.metadata, plugins=bundle.plugins, wheel=bundle.wheel,
                            settings=bundle.settings)
    command = packaging.package_command(bare)
    assert "--template-dir" not in command and "--static" not in command
    assert "--plugins-dir" in command and "--install" in command


def test_build_context_with_templates(bundle, tmp_path):
    out = packaging.write_build_context(bundle, tmp_path / "out", secret="s3cret")
    assert (out / "templates" / "row.html").is_file()
    assert (out / "images" / IMAGE_PATH).read_bytes() == IMAGE_BYTES
    assert (out / "plugins" / bundle.wheel).is_file()
    cmd = step(out, "CMD")
    assert "--template-dir templates/" in cmd and "--static images:images" in cmd
    assert step(out, "ENV DATASETTE_SECRET") == "'s3cret'"


def test_settings_with_spaces_cannot_be_published():
    with pytest.raises(packaging.PackagingError, match="cannot be published"):
        packaging.settings_options({"template_debug": "a b"})


# -- clear errors ---------------------------------------------------------------------------------


@pytest.fixture
def empty_path(tmp_path):
    """An environment whose PATH has no docker, gcloud, heroku or flyctl."""
    folder = tmp_path / "bin"
    folder.mkdir()
    return {**os.environ, "PATH": str(folder)}


def assert_usage_error(result, message):
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["package"], ["package", "--out", "OUT"], ["publish", "cloudrun"]])
def test_no_database(command, tmp_path):
    command = [str(tmp_path / "out") if arg == "OUT" else arg for arg in command]
    result = knytscrape(*command, "--db", str(tmp_path / "missing.db"))
    assert_usage_error(result, "no database at")
    assert not (tmp_path / "out").exists()


def test_not_a_database(tmp_path):
    (tmp_path / "notes.db").write_text("not sqlite", encoding="utf-8")
    result = knytscrape("package", "--db", str(tmp_path / "notes.db"), "--out", str(tmp_path / "out"))
    assert_usage_error(result, "cannot read the database")


def test_docker_not_installed(crawled, empty_path):
    assert_usage_error(knytscrape("package", "--db", db_path_of(crawled), env=empty_path), "Docker is not installed")


def test_docker_not_running(crawled, empty_path):
    docker = Path(empty_path["PATH"]) / "docker"
    docker.write_text("#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n", encoding="utf-8")
    docker.chmod(0o755)
    result = knytscrape("package", "--db", db_path_of(crawled), "--tag", "knytpunkt", env=empty_path)
    assert_usage_error(result, "Docker is not running (`docker info`: Cannot connect to the Docker daemon)")


def test_out_dir_not_empty(crawled, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine", encoding="utf-8")
    result = knytscrape("package", "--db", db_path_of(crawled), "--out", str(tmp_path / "out"))
    assert_usage_error(result, "is not empty")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]


def test_out_with_docker_options(crawled, tmp_path):
    result = knytscrape("package", "--db", db_path_of(crawled), "--out", str(tmp_path / "o"), "--tag", "x")
    assert_usage_error(result, "--out only writes the build context")


def test_publisher_not_installed(crawled):
    result = knytscrape("publish", "nosuchhost", "--db", db_path_of(crawled))
    assert_usage_error(result, "no publisher 'nosuchhost'")
    assert "cloudrun" in result.stderr and "heroku" in result.stderr


def test_publisher_command_not_installed(crawled, empty_path):
    result = knytscrape("publish", "heroku", "--db", db_path_of(crawled), "--name", "knyt", env=empty_path)
    assert_usage_error(result, "needs the `heroku` command")
    result = knytscrape("publish", "cloudrun", "--db", db_path_of(crawled), "--service", "knyt", env=empty_path)
    assert_usage_error(result, "needs the `gcloud` command")


def test_vercel_is_refused_with_the_reason(crawled):
    assert_usage_error(knytscrape("publish", "vercel", "--db", db_path_of(crawled)), "not supported")


def test_other_commands_still_refuse_unknown_options():
    result = knytscrape("serve", "--service", "x")
    assert_usage_error(result, "unrecognized arguments: --service x")


@pytest.mark.slow  # builds the wheel, installs it, serves it: the image end to end
def test_reading_pages_come_with_the_wheel(served, crawled):
    """The reading-page templates and CSS live in the plugin package: the bundle serves them from the wheel."""
    base, *_ = served
    _, db = crawled
    article_id, title = db.execute("SELECT id, title FROM articles WHERE comment_count > 0 LIMIT 1").fetchone()
    status, _, body = fetch(f"{base}/knytpunkt/articles/{article_id}")
    assert status == 200 and 'class="knyt-reading knyt-article"' in body
    assert html.escape(title, quote=False) in body
    status, content_type, css = fetch(f"{base}/-/static-plugins/knytscrape/reading.css")
    assert status == 200 and content_type.startswith("text/css") and ".knyt-reading" in css


# -- knytscrape installed from a wheel, run outside the checkout ---------------------------------


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A wheel of knytscrape as ``pip wheel .`` makes it, installed into a fresh virtual environment.

    Tests stay offline: the environment is made without pip (``--without-pip``), the wheel is installed into
    it with this environment's pip (``--python``, ``--no-deps --no-index``), and only then does a ``.pth``
    file put this environment's site-packages after its own, for the dependencies. (``--system-site-packages``
    would give the base Python's, which has none of them: this environment is a virtual one too.) The
    checkout is not on the path: its editable install's finder is a ``.pth`` of this environment's
    site-packages, which a ``.pth`` line does not run. So knytscrape is the wheel's alone; everything
    runs from a work folder outside the checkout."""
    base = tmp_path_factory.mktemp("installed")
    wheel = packaging.build_wheel(base / "wheel")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", "--disable-pip-version-check", str(wheel)], check=True, timeout=300)
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(own) / "zz_knytscrape_test_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n",
                                                                   encoding="utf-8")
    work = base / "work"
    work.mkdir()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("KNYT_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    return venv, Path(own), work, env


def run_installed(installed, *args, timeout=300):
    venv, _, work, env = installed
    return subprocess.run([str(venv / "bin" / "knytscrape"), *args], capture_output=True, text=True, cwd=work,
                          env=env, timeout=timeout)


@pytest.mark.slow
def test_installed_knytscrape_is_the_wheels(installed):
    venv, site, work, env = installed
    code = ("import knytscrape, knytscrape.datasette_plugin, knytscrape.publish as p\n"
            "print(knytscrape.__file__); print(p.RESOURCES)\n"
            "print(p.load_metadata()['title']); print(sorted(p.load_settings()))")
    result = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True,
                            cwd=work, env=env, check=True)
    module, resources, title, settings = result.stdout.splitlines()
    assert Path(module).is_relative_to(site) and Path(resources).is_relative_to(site)
    assert title == publish.load_metadata()["title"] and settings == str(sorted(publish.load_settings()))
    assert not work.is_relative_to(PROJECT_ROOT)


@pytest.mark.slow
@pytest.mark.parametrize("command", [[], ["crawl"], ["reparse"], ["demo"], ["serve"], ["mirror"], ["package"]])
def test_installed_commands_answer_help(installed, command):
    result = run_installed(installed, *command, "--help")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"usage: knytscrape {' '.join(command)}".rstrip())


@pytest.fixture(scope="module")
def installed_demo(installed, tmp_path_factory):
    """``knytscrape demo`` of the installed wheel in the work folder: the mirror, a crawl into
    data/knytpunkt.db there (the default), then Datasette; (base URL, its log) while it serves."""
    venv, _, work, env = installed
    port = servers.free_port()
    log_path = tmp_path_factory.mktemp("demo-log") / "demo.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([str(venv / "bin" / "knytscrape"), "demo", "--port", str(port)], cwd=work,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(f"{base}/-/versions.json", process, log_path, timeout=300)
        yield base, log_path
    finally:
        processes.stop(process)


@pytest.mark.slow
def test_installed_demo_crawls_and_serves(installed, installed_demo):
    _, _, work, _ = installed
    base, log = installed_demo
    output = log.read_text(encoding="utf-8")
    assert "with status 0" in output, output[-3000:]  # the crawl was healthy
    assert (work / "data" / "knytpunkt.db").is_file() and (work / "data" / "warc").is_dir()
    status, _, page = fetch(f"{base}/")
    assert status == 200 and publish.load_metadata()["title"] in page
    settings = json.loads(fetch(f"{base}/-/settings.json")[2])
    assert all(settings[name] == value for name, value in publish.load_settings().items())
    status, content_type, css = fetch(f"{base}/-/static-plugins/knytscrape/reading.css")
    assert status == 200 and ".knyt-reading" in css
    status, _, body = fetch(f"{base}/knytpunkt/articles.json?_shape=array&_size=1")
    [article] = json.loads(body)
    status, _, page = fetch(f"{base}/knytpunkt/articles/{article['id']}")
    assert status == 200 and 'class="knyt-reading knyt-article"' in page


@pytest.mark.slow
def test_installed_reparse_and_serve(installed, installed_demo):
    """After the demo: ``reparse`` reads its WARC files again, ``serve`` publishes data/knytpunkt.db."""
    _, _, work, _ = installed
    db = sqlite3.connect(work / "data" / "knytpunkt.db")
    try:
        [article_id] = db.execute("SELECT min(id) FROM articles").fetchone()
    finally:
        db.close()
    result = run_installed(installed, "reparse", "--ids", str(article_id))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Reparse finished" in result.stdout and "UNHEALTHY" not in result.stderr
    venv, _, _, env = installed
    port = servers.free_port()
    log_path = work.parent / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([str(venv / "bin" / "knytscrape"), "serve", "--port", str(port)], cwd=work,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/-/versions.json", process, log_path)
        status, _, page = fetch(f"http://127.0.0.1:{port}/knytpunkt/articles/{article_id}")
        assert status == 200 and 'class="knyt-reading knyt-article"' in page
    finally:
        processes.stop(process)
