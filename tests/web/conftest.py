"""Web fixtures: an app over a real database (SQLite here; PostgreSQL in test_postgres.py),
a clock the test moves, and helpers that answer questions the way a browser form does."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from certprep.bank.items import (
    BuildListBody, DropdownBody, MatchingBody, MultipleBody, SingleBody, SolutionBody, YesNoBody,
)
from certprep.web.app import Settings, create_app

from ..conftest import FakeClock


def form_for(body, correct: bool = True) -> dict:
    """The form fields a browser would post for a question as shown (`body` in its shown order):
    the key (correct) or a wrong answer, every choice named by its shown position."""
    def at(choices, choice_id: str) -> str:
        return str([c.id for c in choices].index(choice_id) + 1)

    if isinstance(body, SingleBody):
        return {"r": at(body.options, body.key if correct else next(o.id for o in body.options if o.id != body.key))}
    if isinstance(body, MultipleBody):
        chosen = body.key if correct else [o.id for o in body.options if o.id not in body.key][:body.choose]
        return {"r": [at(body.options, c) for c in chosen]}
    if isinstance(body, MatchingBody):
        pairs = body.key.items() if correct else [(t.id, body.sources[0].id) for t in body.targets]
        return {f"m.{at(body.targets, t)}": at(body.sources, s) for t, s in pairs}
    if isinstance(body, BuildListBody):
        order = body.key if correct else list(reversed(body.key))
        return {f"slot.{i}": at(body.steps, s) for i, s in enumerate(order, 1)}
    if isinstance(body, DropdownBody):
        return {f"b.{n}": at(b.options, b.key) for n, b in enumerate(body.blanks, 1)}
    if isinstance(body, YesNoBody):
        return {f"s.{n}": ("yes" if s.key == correct else "no") for n, s in enumerate(body.statements, 1)}
    if isinstance(body, SolutionBody):
        return {"r": "yes" if body.solution.key == correct else "no"}
    raise TypeError(body)


def answer_data(q, correct: bool = True) -> dict:
    """What the answer form posts for question `q` of an attempt: its number, then its fields."""
    return {"q": str(q.position + 1), **form_for(q.body, correct)}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_app(database_url, clock):
    """Apps over one database (a second app is a second process, as after a restart)."""
    built = []

    def build(accounts: bool = False, content=None):
        built.append(create_app(Settings(database_url=database_url, content=content, accounts=accounts, clock=clock)))
        return built[-1]
    yield build
    for app in built:
        app.state.store.close()


@pytest.fixture
def client(make_app) -> TestClient:
    return TestClient(make_app())


def attempt_id(response) -> int:
    return int(re.search(r"/attempts/(\d+)", response.headers["location"]).group(1))
