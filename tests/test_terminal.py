"""The terminal: every item type can be typed in its notation, shown back the same way, and a
question on screen never reveals its key or explanations."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from certprep.engine.forms import Form, Section
from certprep.engine.scoring import body_of, normalize
from certprep.errors import AttemptError
from certprep.terminal import Session, explanations, parse_input, render_body, show_response

CASES = [  # (item, part, typed, follow-up answers for extra prompts, canonical response)
    ("docintel-invoice-prebuilt", None, "a", [], "A"),
    ("search-filter-sort-attributes", None, "B A", [], ["A", "B"]),
    ("language-feature-matching", None, "A=2 B=3 C=1", [], {"t1": "pii", "t2": "language", "t3": "sentiment"}),
    ("keys-rotation-order", None, "1 2 3 4", [], ["s1", "s2", "s3", "s4"]),
    ("openai-keyless-client", None, "1", ["1", "2"], {"scope": "ai", "url": "v1", "model": "family"}),
    ("keys-and-rotation-statements", None, "y n y", [], {"s1": True, "s2": False, "s3": True}),
    ("keyless-app-access-ps", "kv", "n", [], False),
    ("case-contoso-claims", "q4", "A=1 B=2 C=3", [], {"t1": "di", "t2": "search", "t3": "translator"}),
]


@pytest.mark.parametrize("item_id, part, typed, more, expected", CASES)
def test_typed_notation_becomes_the_response_and_shows_back(doc_bank, item_id, part, typed, more, expected):
    body = body_of(doc_bank.items[item_id], part)
    follow = iter(more)
    response = normalize(body, parse_input(body, typed, lambda _prompt: next(follow)))
    assert response == expected
    shown = show_response(body, response)
    if not more:
        assert sorted(shown.upper().split()) == sorted(typed.upper().split())


@pytest.mark.parametrize("item_id, part, typed", [
    ("docintel-invoice-prebuilt", None, "Q"), ("docintel-invoice-prebuilt", None, "A B"),
    ("language-feature-matching", None, "A=9"), ("keys-rotation-order", None, "1 x"),
    ("keys-and-rotation-statements", None, "y n"),
])
def test_bad_typing_gets_a_readable_message(doc_bank, item_id, part, typed):
    body = body_of(doc_bank.items[item_id], part)
    with pytest.raises(AttemptError):
        parse_input(body, typed, lambda _p: "")


def render(renderable) -> str:
    out = io.StringIO()
    Console(file=out, width=120).print(renderable)
    return out.getvalue()


@pytest.mark.parametrize("item_id", ["docintel-invoice-prebuilt", "search-filter-sort-attributes",
                                     "language-feature-matching", "keys-rotation-order", "openai-keyless-client",
                                     "keys-and-rotation-statements", "keyless-app-access-ps", "case-contoso-claims"])
def test_a_question_on_screen_reveals_no_key_or_explanation(doc_bank, item_id):
    item = doc_bank.items[item_id]
    for part, body in item.parts():
        screen = " ".join(render(render_body(body)).split())
        after = " ".join(render(explanations(body)).split())
        texts = [e for e in _explanations(body.model_dump()) if len(e) > 20]
        assert texts
        for text in texts:
            words = " ".join(text.replace("`", "").split()[:4])  # Markdown drops the backticks
            assert words not in screen
            assert words in after


def _explanations(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "explanation":
                yield v
            else:
                yield from _explanations(v)
    elif isinstance(value, list):
        for v in value:
            yield from _explanations(v)

from certprep.terminal import Session


def test_scenario_shows_first_and_again_on_request(attempts, doc_bank):
    form = Form("ai-102", "exam", [Section("case_study", "Case", ["case-contoso-claims/q1", "case-contoso-claims/q2"])],
                seed=1, bank_version="t")
    aid = attempts.start(form, doc_bank)
    lines = iter(["s", "A", "q"])
    out = io.StringIO()
    Session(attempts, aid, Console(file=out, width=120), lambda: next(lines) + "\n").run()
    text = out.getvalue()
    assert text.count("Contoso Insurance receives 4,000 claim forms") == 2
    q1 = attempts.get(aid).question("case-contoso-claims/q1")
    assert q1.response == q1.body.options[0].id  # "A" names the first option as shown (shuffled)


def test_the_terminal_names_questions_by_number_while_the_attempt_is_open(attempts, doc_bank):
    """Item ids are bank ids that hint at the answer: the header and the review screen say
    "Question 2 of 3" while the attempt is open."""
    keys = ["docintel-invoice-prebuilt", "search-filter-sort-attributes", "openai-keyless-client"]
    form = Form("ai-102", "practice", [Section("practice", "Practice", keys)], seed=1, bank_version="t")
    aid = attempts.start(form, doc_bank)
    lines = iter(["n", "r", "q"])
    out = io.StringIO()
    Session(attempts, aid, Console(file=out, width=160), lambda: next(lines) + "\n").run()
    text = out.getvalue()
    assert "Question 1 of 3" in text and "Question 2 of 3" in text
    assert "Question 3 of 3" in text  # the review screen lists every question by number
    assert [k for k in keys if k in text] == []
    blank_ids = [b.id for b in doc_bank.items["openai-keyless-client"].blanks]
    assert all(f"[{b}]" not in text for b in blank_ids)


def test_terminal_intros_once_and_show_answer_in_practice(attempts, doc_bank):
    form = Form("ai-102", "practice", [Section("questions", "Practice", ["docintel-invoice-prebuilt"]),
                                       Section("problem_solution", "Problem", ["keyless-app-access-ps/mi"], revisit=False)],
                seed=1, bank_version="t")
    aid = attempts.start(form, doc_bank, feedback="now")
    lines = iter(["show", "A", "e", "y", "y", "q"])
    out = io.StringIO()
    Session(attempts, aid, Console(file=out, width=160), lambda: next(lines) + "\n").run()
    text = out.getvalue()
    assert "Answer shown: counts as not answered (0 of 1 points)" in text
    item = doc_bank.items["docintel-invoice-prebuilt"]
    key = next(o for o in item.options if o.id == item.key)
    assert " ".join(key.explanation.split()[:4]) in " ".join(text.split())  # the explanations came with it
    assert "its answer was shown" in text  # then typing the key is refused
    assert text.count("You cannot go back") == 1  # the set's intro, once
    view = attempts.get(aid)
    assert view.question(0).revealed and view.question(0).points == 0 and view.question(1).answered
