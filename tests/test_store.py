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


def test_concurrent_writers_wait_for_each_other_instead_of_failing(tmp_path, doc_bank, exams):
    """Read-then-write transactions from several connections at once: SQLite would fail one of
    two deferred transactions at once ("database is locked"); IMMEDIATE makes them queue."""
    import threading

    from certprep.engine.attempts import Attempts
    from certprep.engine.forms import Form, Section

    url = sqlite_url(tmp_path / "busy.db")
    Store(url).close()
    form = Form("ai-102", "practice", [Section("questions", "Q", ["docintel-invoice-prebuilt"])], 1, "t")
    errors: list[BaseException] = []

    def learner(n: int) -> None:
        store = Store(url)
        try:
            attempts = Attempts(store, exams, user=f"u{n}")
            for _ in range(15):
                aid = attempts.start(form, doc_bank)
                attempts.answer(aid, "docintel-invoice-prebuilt", "A")
                attempts.submit(aid)  # reads the attempt, scores it, writes the result and the queue
        except BaseException as exc:  # noqa: BLE001 - any failure fails the test below
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=learner, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    store = Store(url)
    assert sum(len(Attempts(store, exams, user=f"u{n}").list()) for n in range(6)) == 90
    store.close()


def test_upgrading_gives_existing_review_cards_their_own_tokens(tmp_path):
    """Migration 0007: cards queued before it get distinct tokens, so their reviews still post."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from certprep.store.db import MIGRATIONS

    path = tmp_path / "old.db"
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(sqlite_url(path))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    engine.dispose()
    con = sqlite3.connect(path)
    for key in ("item-a", "item-b"):
        con.execute("INSERT INTO review_cards VALUES ('local', ?, '{}', '2026-12-01 00:00:00')", (key,))
    con.commit()
    con.close()
    Store(sqlite_url(path)).close()
    tokens = [t for (t,) in sqlite3.connect(path).execute("SELECT token FROM review_cards")]
    assert len(tokens) == 2 and all(tokens) and tokens[0] != tokens[1]
