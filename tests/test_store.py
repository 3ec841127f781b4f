"""The store: migrations match the models, WAL on SQLite, and databases we must not touch."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from certprep.errors import DatabaseDamaged, SchemaTooNew, StoreError
from certprep.store.db import Store, sqlite_url
from certprep.store.models import Base


def test_migrations_build_exactly_the_models(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = Store(sqlite_url(tmp_path / "wal.db"))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path):
    path = tmp_path / "c.db"
    Store(sqlite_url(path)).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO item_versions VALUES ('h', 'x', '{}')")
    con.commit()
    con.close()
    Store(sqlite_url(path)).close()
    assert sqlite3.connect(path).execute("SELECT item_id FROM item_versions").fetchall() == [("x",)]


def test_a_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "new.db"
    Store(sqlite_url(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match="newer than this certprep"):
        Store(sqlite_url(path))
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("my precious notes\n" * 100)
    with pytest.raises(DatabaseDamaged, match="not a SQLite database"):
        Store(sqlite_url(path))
    assert path.read_text() == "my precious notes\n" * 100


def test_a_damaged_database_is_refused(tmp_path):
    path = tmp_path / "broken.db"
    Store(sqlite_url(path)).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # keep the header, wreck the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamaged, match="damaged"):
        Store(sqlite_url(path))


def test_someone_elses_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not certprep's"):
        Store(sqlite_url(path))
