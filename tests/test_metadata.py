"""The data contract is documented: every table and column of the schema is described in data/metadata.yml."""

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
