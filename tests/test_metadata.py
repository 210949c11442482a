"""The data contract is documented: every table and column of the schema is described in the metadata the
package ships (knytscrape/resources/metadata.yml)."""

from pathlib import Path

import knytscrape
from knytscrape import publish
from knytscrape.db import TABLES
from knytscrape.publish import METADATA_DB_NAME, metadata_for


def test_every_table_and_column_is_described():
    tables = metadata_for("data/knytpunkt.db")["databases"][METADATA_DB_NAME]["tables"]
    missing = []
    for table, spec in TABLES.items():
        described = tables.get(table, {})
        if not described.get("description"):
            missing.append(table)
        missing += [f"{table}.{column}" for column in spec["columns"] if not described.get("columns", {}).get(column)]
    assert missing == []


def test_no_description_of_a_column_that_does_not_exist():
    tables = metadata_for("data/knytpunkt.db")["databases"][METADATA_DB_NAME]["tables"]
    stale = [f"{t}.{c}" for t, spec in tables.items() for c in spec.get("columns", {})
             if c not in TABLES.get(t, {}).get("columns", {})]
    assert stale == []


def test_metadata_follows_the_database_file_name():
    metadata = metadata_for("/tmp/somewhere/other-name.db")
    assert "other-name" in metadata["databases"] and METADATA_DB_NAME not in metadata["databases"]


def test_publishing_note_names_the_owner():
    metadata = metadata_for("data/knytpunkt.db")
    assert metadata["title"] and metadata["source_url"].startswith("https://knytpunkt.se")
    assert "Johan Gullberg" in metadata["description_html"]


def test_description_links_follow_the_database_name():
    metadata = metadata_for("/tmp/elsewhere/arkiv.db")
    assert "/arkiv/search_everything" in metadata["description_html"]


def test_metadata_and_settings_ship_inside_the_package():
    """Read from the package (a wheel installed anywhere has them), not from the folder it runs in."""
    package = Path(knytscrape.__file__).parent
    for name in (publish.METADATA_FILE, publish.SETTINGS_FILE):
        assert (package / "resources" / name).is_file()
        assert publish.resource_text(name) == (package / "resources" / name).read_text(encoding="utf-8")
    assert Path(str(publish.RESOURCES)).is_relative_to(package)
    assert publish.load_settings()["allow_download"] is False


def test_the_users_folders_are_in_the_current_folder(tmp_path, monkeypatch):
    """The shipped files do not depend on the folder it runs in; the user's data/ folders are found there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KNYT_IMAGES_DIR", raising=False)
    assert metadata_for("data/knytpunkt.db")["title"] == publish.load_metadata()["title"]
    assert publish.user_folder("templates") is None and publish.images_dir() is None
    for name in ("templates", "plugins", "images"):
        (tmp_path / "data" / name).mkdir(parents=True)
    assert publish.user_folder("templates") == tmp_path / "data" / "templates"
    assert publish.user_folder("plugins") == tmp_path / "data" / "plugins"
    assert publish.images_dir() == tmp_path / "data" / "images"
    command = publish.datasette_command(tmp_path / "data" / "knytpunkt.db", "127.0.0.1", 8001)
    assert command[command.index("--template-dir") + 1] == str(tmp_path / "data" / "templates")
    assert command[command.index("--plugins-dir") + 1] == str(tmp_path / "data" / "plugins")
    assert f"images:{tmp_path / 'data' / 'images'}" in command
