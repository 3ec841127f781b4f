"""The exam cannot be beaten from the page source (issue 12, point 1).

A guesser reads only what the server sends during an attempt (the HTML of every question page)
and picks the lowest value of every field: with bank ids in the page that was the key most of
the time (authors write the key first, as `A`, `s1 … sN`). Fields now name shown positions of a
per-attempt shuffle, so the guesser must score at chance, within a binomial bound.
"""

from __future__ import annotations

import math
import re

import pytest
from fastapi.testclient import TestClient

from certprep.web.app import Settings, create_app

from ..conftest import FakeClock, fresh_database
from .test_exam_flow import engine_view

SEEDS = range(1, 9)
FIELD = re.compile(r'<(input|select|option|button)\b([^>]*)>')
ATTR = re.compile(r'([\w-]+)="([^"]*)"')
ALLOWED_NAMES = re.compile(r"^(q|r|go|flagged|position|confidence|strike|restore|(m|slot|b|s)\.\d{1,3})$")  # strike, restore: an option's shown position
ALLOWED_VALUES = re.compile(r"^(\d{1,4}|yes|no|low|medium|high|next|review|)$")


@pytest.fixture(scope="module")
def app(tmp_path_factory, request):
    built = create_app(Settings(database_url=fresh_database(request, "sqlite", tmp_path_factory.mktemp("db")),
                                clock=FakeClock()))
    yield built
    built.state.store.close()


def answer_form(page: str) -> str:
    return page.split('<form method="post" action="/attempts/', 1)[1].split("</form>", 1)[0]


def lowest_token_guess(form: str) -> tuple[dict, list[tuple[str, int]]]:
    """Post the lowest token of every field (`choose` lowest for check boxes, the i-th lowest for
    slot i). Returns the fields and, per answered component, (kind, number of choices), from
    which the chance of each guess follows."""
    data: dict[str, object] = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))
    parts: list[tuple[str, int]] = []
    radios = re.findall(r'type="radio" name="r" value="([^"]+)"', form)
    if radios and set(radios) != {"yes", "no"}:
        data["r"] = min(radios)
        parts.append(("single", len(radios)))
    boxes = re.findall(r'type="checkbox" name="r" value="([^"]+)"', form)
    if boxes:
        choose = int(re.search(r"Choose (\d+)\.", form).group(1))
        data["r"] = sorted(boxes)[:choose]
        parts += [(f"multiple {choose}", len(boxes))] * choose
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        values = sorted(v for v in re.findall(r'<option value="([^"]*)"', options) if v)
        slot = int(name.split(".")[1]) - 1 if name.startswith("slot.") else 0
        data[name] = values[slot]
        parts.append((name.split(".")[0], len(values)))
    return data, parts


def chance(kind: str, n: int) -> float:
    """The chance that one component of a blind guess is right: a choice out of n, or for a
    "choose k" question, each of the k checked boxes being one of the k keys."""
    return int(kind.split()[1]) / n if kind.startswith("multiple") else 1 / n


def test_a_page_source_guesser_scores_at_chance(app):
    client = TestClient(app)
    expected = variance = observed = 0.0
    components = 0
    transcripts = []
    for exam in ("ai-102", "ai-103"):
        for seed in SEEDS:
            start = client.post("/attempts", data={"mode": "exam", "exam": exam, "seed": str(seed)},
                                follow_redirects=False)
            aid = int(start.headers["location"].rsplit("/", 1)[1])
            guessed: dict[int, list[tuple[str, int]]] = {}
            sent = []
            for _ in range(200):  # an exam has at most ~60 questions and 3 sections
                page = client.get(f"/attempts/{aid}")
                if page.url.path.endswith("/results"):
                    break
                sent.append(page.text)
                if page.url.path.endswith("/intro"):  # a set or case study starts with its intro screen
                    client.post(f"/attempts/{aid}/intro")
                    continue
                if "Finish section" in page.text or "Finish and see results" in page.text:
                    client.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"})
                    continue
                data, parts = lowest_token_guess(answer_form(page.text))
                if parts:
                    guessed[engine_view(app, aid).current().position] = parts
                r = client.post(f"/attempts/{aid}/answer", data=data, follow_redirects=False)
                assert r.status_code == 303, r.text
                if r.headers["location"].endswith("/section"):
                    sent.append(client.get(r.headers["location"]).text)
                    client.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"})
            else:
                raise AssertionError(f"attempt {aid} did not reach its results")
            view = engine_view(app, aid)
            transcripts.append((sent, view))
            for q in view.questions:
                for kind, n in guessed.get(q.position, []):
                    p = chance(kind, n)
                    expected += p
                    variance += p * (1 - p)
                    components += 1
                if q.position in guessed:
                    observed += q.points or 0
    bound = 4 * math.sqrt(variance)
    assert components > 400
    assert abs(observed - expected) <= bound, (
        f"the guesser scored {observed:.0f} of {components} components; chance is {expected:.0f} ± {bound:.0f}")
    for sent, view in transcripts:
        assert_no_bank_id_was_sent(sent, view)


def assert_no_bank_id_was_sent(pages: list[str], view) -> None:
    """No item id anywhere, and every field name and value is a position or a fixed word."""
    item_ids = {q.item.id for q in view.questions}
    for page in pages:
        assert not [i for i in item_ids if i in page]
        for tag, attrs in FIELD.findall(page):
            fields = dict(ATTR.findall(attrs))
            if "name" in fields:
                assert ALLOWED_NAMES.match(fields["name"]), fields
            if (tag in ("input", "option") or fields.get("name") in ("strike", "restore")) and "value" in fields:
                assert ALLOWED_VALUES.match(fields["value"]), fields
            for data in ("data-value", "data-target"):
                if data in fields:
                    assert fields[data].isdigit(), fields
