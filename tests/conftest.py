"""Shared fixtures: the real blueprints, the documented example items, temporary content
folders and databases. Everything runs against real SQLite files, never mocks."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from certprep.bank.loader import ITEM_ADAPTER, Bank, load_bank, load_exams
from certprep.bank.synthetic import synthetic_items
from certprep.engine.attempts import Attempts
from certprep.learn import review
from certprep.store.db import Store, sqlite_url

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SHARED = ROOT.parent / "shared"  # reference files that may not be copied into the repository


def shared_file(*parts: str) -> Path:
    """A reference file from ../shared (real data sets, the QTI schemas). A clone on someone
    else's machine has no ../shared: the test is skipped there, naming the path; CI has it
    beside the clone, so under CI a missing file fails instead of skipping quietly."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"needs {path} (reference data beside the repository, as in CI)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def shared_data(*parts: str) -> Path:
    return shared_file("data", *parts)


def doc_examples() -> list[str]:
    """The YAML examples of docs/item-format.md, in order: they are fixtures."""
    return re.findall(r"```yaml\n(.*?)```", (ROOT / "docs" / "item-format.md").read_text(), re.S)


@pytest.fixture(scope="session")
def exams():
    return load_exams(CONTENT)


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A content folder: the real exams and service catalog, the documented examples as items."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT / "exams", root / "exams")
    shutil.copy(CONTENT / "services.yaml", root / "services.yaml")
    items = root / "items"
    items.mkdir()
    for text in doc_examples():
        item_id = yaml.safe_load(text)["id"]
        (items / f"{item_id}.yaml").write_text(text)
    return root


@pytest.fixture
def doc_bank(content_dir: Path) -> Bank:
    bank = load_bank(content_dir / "items")
    assert not bank.problems
    return bank


def write_items(folder: Path, items: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for item in items:
        (folder / f"{item['id']}.yaml").write_text(yaml.safe_dump(item, sort_keys=False))


def bank_of(items: list[dict]) -> Bank:
    bank = Bank()
    for data in items:
        item = ITEM_ADAPTER.validate_python(data)
        bank.items[item.id] = item
        bank.paths[item.id] = Path(f"{item.id}.yaml")
    return bank


@pytest.fixture(scope="session")
def synthetic_bank(exams) -> Bank:
    """600 synthetic items over AI-102's domains, every type."""
    return bank_of(synthetic_items(600, exams["ai-102"], seed=7))


class FakeClock:
    """A clock the test moves by hand (UTC)."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += dt.timedelta(**kw)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL cluster for the session (scripts/test-services.sh installs it)."""
    from .pgcluster import Cluster

    try:
        cluster = Cluster().start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield cluster
    cluster.stop()


def fresh_database(request, backend: str, tmp_path: Path) -> str:
    """The URL of a new, empty database on `backend`, dropped when the test ends."""
    if backend == "sqlite":
        return sqlite_url(tmp_path / "certprep.db")
    cluster = request.getfixturevalue("postgres_server")
    name, url = cluster.create_database()
    request.addfinalizer(lambda: cluster.drop_database(name))
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> str:
    """Every test that touches a database runs on SQLite and on PostgreSQL."""
    return fresh_database(request, request.param, tmp_path)


@pytest.fixture
def store(database_url: str):
    s = Store(database_url)
    yield s
    s.close()


@pytest.fixture
def attempts(store, exams, clock) -> Attempts:
    return Attempts(store, exams, clock=clock, on_finish=review.queue_mistakes)
