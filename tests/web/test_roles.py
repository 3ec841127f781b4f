"""Roles (issue 12, point 6): item statistics show every learner's option choices, so they and
calibration are for authors: the first account, and whoever `certprep users grant-author`
names. Learners get 403. On SQLite and PostgreSQL, including the migration of a server that
already has accounts."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from click.testing import CliRunner
from fastapi.testclient import TestClient

from certprep.cli import main
from certprep.store.db import MIGRATIONS, Store

PASSWORD = "correct horse battery"


def sign_up(app, email: str) -> TestClient:
    client = TestClient(app)
    assert client.post("/signup", data={"email": email, "password": PASSWORD}, follow_redirects=False).status_code == 303
    return client


def test_author_pages_are_for_authors_only(make_app, database_url):
    app = make_app(accounts=True)
    author, learner = sign_up(app, "first@example.com"), sign_up(app, "second@example.com")
    assert author.get("/authors/item-stats").status_code == 200
    assert author.post("/authors/calibrate", follow_redirects=False).status_code == 303
    denied = learner.get("/authors/item-stats")
    assert denied.status_code == 403 and "grant-author" in denied.text
    denied = learner.post("/authors/calibrate", headers={"accept": "application/json"})
    assert denied.status_code == 403 and denied.json()["error"]["status"] == 403
    assert TestClient(app).get("/authors/item-stats").status_code == 401

    granted = CliRunner().invoke(main, ["--db", database_url, "users", "grant-author", "Second@Example.com"])
    assert granted.exit_code == 0 and "second@example.com is now an author" in granted.output
    assert learner.get("/authors/item-stats").status_code == 200
    listed = CliRunner().invoke(main, ["--db", database_url, "users", "list"]).output.splitlines()
    assert listed == ["first@example.com\tauthor", "second@example.com\tauthor"]
    unknown = CliRunner().invoke(main, ["--db", database_url, "users", "grant-author", "nobody@example.com"])
    assert unknown.exit_code == 1 and "unknown account" in unknown.output


def test_one_person_on_their_own_machine_is_the_author(client):
    assert client.get("/authors/item-stats").status_code == 200


def test_the_migration_makes_the_first_existing_account_the_author(database_url):
    engine = sa.create_engine(database_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")  # a server from before roles, with two accounts
        users = sa.table("users", sa.column("id"), sa.column("email"), sa.column("password_hash"),
                         sa.column("created_at"))
        for n, email in ((2, "later@example.com"), (1, "first@example.com")):
            conn.execute(users.insert().values(id=f"u{n}", email=email, password_hash="x",
                                               created_at=dt.datetime(2026, 1, n, tzinfo=dt.UTC)))
    engine.dispose()
    store = Store(database_url)  # migrates to head
    try:
        with store.read.begin() as s:
            roles = dict(s.execute(sa.text("SELECT email, role FROM users")).all())
    finally:
        store.close()
    assert roles == {"first@example.com": "author", "later@example.com": "learner"}
