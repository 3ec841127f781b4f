"""Opening a database: SQLite by default (WAL), any SQLAlchemy URL by choice, migrated on open.

A database written by a newer certprep, or a file that is not a database, is refused with a
clear message and left exactly as it was.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from certprep.errors import DatabaseDamaged, SchemaTooNew, StoreError

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"


def default_url() -> str:
    if url := os.environ.get("CERTPREP_DATABASE_URL"):
        return url
    from platformdirs import user_data_dir

    return sqlite_url(Path(user_data_dir("certprep", appauthor=False)) / "certprep.db")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Store:
    """An open, migrated database. `session()` gives a unit of work; commit per answer."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self.engine = _engine(self.url)
        try:
            _migrate(self.engine)
        except (DatabaseError, OperationalError) as exc:
            self.engine.dispose()
            raise DatabaseDamaged(f"cannot use the database at {self._where()}: {exc.orig} "
                                  "(it is damaged or not a certprep database; nothing was changed)") from exc
        self.session: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)
        # For transactions that only read (page loads): never take SQLite's write lock. `reader`
        # serves plain-row reads on the hot paths (a Core connection costs less than a Session).
        self.reader: Engine = self.engine.execution_options(read_only=True)
        self.read: sessionmaker[Session] = sessionmaker(self.reader, expire_on_commit=False)

    def _where(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()


def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(url.removeprefix("sqlite:///"))
        if path.exists() and path.stat().st_size > 0:
            with path.open("rb") as fh:
                if fh.read(16) != SQLITE_HEADER:
                    raise DatabaseDamaged(f"{path} is not a SQLite database (nothing was changed; "
                                          "choose another file with --db or move this one away)")
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # WAL: readers never block the writer; a crash loses nothing committed
            dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()

        # One writer per process at a time: threads queue on this lock, in order, instead of
        # polling SQLite's file lock under busy_timeout (unfair, and with dozens of threads it
        # timed out). Processes still share the file lock.
        writer = threading.RLock()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            # Two deferred transactions that read and then write deadlock, and SQLite fails one at
            # once ("database is locked") instead of waiting; IMMEDIATE takes the write lock first,
            # so concurrent writers queue under busy_timeout. Read-only work (Store.read) stays
            # deferred: in WAL mode readers never wait.
            if conn.get_execution_options().get("read_only"):
                conn.exec_driver_sql("BEGIN")
                return
            writer.acquire()
            conn.info["writer"] = True
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _end(conn)
                raise

        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _end(conn):
            if conn.info.pop("writer", False):
                writer.release()
    return engine


def _migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    with engine.begin() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current is None and inspect(conn).get_table_names() and "attempts" not in inspect(conn).get_table_names():
            raise StoreError(f"{engine.url.render_as_string(hide_password=True)} holds tables that are not "
                             "certprep's (nothing was changed; choose another database)")
        if current is not None:
            known = {rev.revision for rev in script.walk_revisions()}
            if current not in known:
                raise SchemaTooNew(f"the database schema ({current}) is newer than this certprep knows "
                                   "(upgrade certprep; nothing was changed)")
            if current == script.get_current_head():
                return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
