"""Taking attempts in the web app: a whole diagnostic, an exam with sections, flags, the review
screen, locked sections and time expiry; no key reaches the browser before its answer; a restart
loses nothing."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from certprep.bank.items import split_question_key
from certprep.engine.attempts import Attempts
from certprep.engine.scoring import body_of

from .conftest import answer_data, attempt_id


def engine_view(app, aid: int, user: str = "local"):
    return Attempts(app.state.store, app.state.exams, user=user, clock=app.state.settings.clock).get(aid)


def visible(page: str) -> str:
    """The words a person reads: tags stripped, entities decoded, punctuation dropped."""
    return " ".join(re.findall(r"\w+", html.unescape(re.sub(r"<[^>]+>", " ", page))))


def explanation_snippets(app, keys) -> list[str]:
    """Distinctive pieces of every explanation of the given questions."""
    out = []
    for key in keys:
        item_id, part = split_question_key(key)
        dumped = body_of(app.state.bank.items[item_id], part).model_dump()
        stack = [dumped]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                for k, v in value.items():
                    if k == "explanation" and isinstance(v, str) and len(v) > 30:
                        out.append(" ".join(visible(v).split()[:7]))
                    else:
                        stack.append(v)
            elif isinstance(value, list):
                stack.extend(value)
    return out


def test_a_whole_diagnostic_in_the_browser_way(client: TestClient):
    start = client.post("/attempts", data={"mode": "diagnostic", "exam": "ai-102"}, follow_redirects=False)
    assert start.status_code == 303
    aid = attempt_id(start)
    app = client.app
    view = engine_view(app, aid)
    assert len(view.questions) == 35
    for n, q in enumerate(view.questions):
        page = client.get(f"/attempts/{aid}")
        assert f"Question {n + 1} of 35" in page.text
        r = client.post(f"/attempts/{aid}/answer", data=answer_data(q, correct=n % 2 == 0),
                        follow_redirects=False)
        assert r.status_code == 303
    review = client.get(f"/attempts/{aid}/section")
    assert "35 of 35 answered" in review.text
    done = client.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"}, follow_redirects=True)
    assert "/ 1000" in done.text and "By skill area" in done.text
    assert len(re.findall(r"<meter", done.text)) == 6
    result = engine_view(app, aid).result
    assert result["points"] > 0 and result["max_points"] >= 35


def test_no_key_or_explanation_reaches_the_browser_before_the_answer(client: TestClient):
    aid = attempt_id(client.post("/attempts", data={"mode": "exam", "exam": "ai-102", "seed": "4"},
                                 follow_redirects=False))
    app = client.app
    view = engine_view(app, aid)
    snippets = explanation_snippets(app, [q.key for q in view.questions])
    assert len(snippets) > 100
    seen_pages = []
    for section in range(len(view.form.sections)):
        current = engine_view(app, aid)
        for q in current.section_questions():
            seen_pages.append(client.get(f"/attempts/{aid}").text)
            r = client.post(f"/attempts/{aid}/answer", data=answer_data(q), follow_redirects=True)
            seen_pages.append(r.text)
        seen_pages.append(client.get(f"/attempts/{aid}/section").text)
        blocked = client.get(f"/attempts/{aid}/review")
        assert blocked.status_code == 409
        seen_pages.append(blocked.text)
        client.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"})
    raw = " ".join(seen_pages)
    text = visible(raw)
    leaked = [s for s in snippets if s in text]
    assert leaked == []
    for marker in ('class="tag">correct', 'class="key"', "Correct."):
        assert marker not in raw
    # Once finished, the review shows them all.
    review = visible(client.get(f"/attempts/{aid}/review").text)
    assert [s for s in snippets if s not in review] == []


def test_sections_lock_flags_and_the_review_screen(client: TestClient):
    aid = attempt_id(client.post("/attempts", data={"mode": "exam", "exam": "ai-102", "seed": "2"},
                                 follow_redirects=False))
    app = client.app
    first = engine_view(app, aid).section_questions()
    client.post(f"/attempts/{aid}/flag", data={"q": str(first[0].position + 1), "flagged": "1"})
    client.post(f"/attempts/{aid}/answer", data=answer_data(first[1]))
    screen = client.get(f"/attempts/{aid}/section").text
    assert f"1 of {len(first)} answered" in screen and "1 flagged" in screen and "⚑ Flagged" in screen
    client.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"})
    locked = client.post(f"/attempts/{aid}/answer", data=answer_data(first[0]))
    assert locked.status_code == 400 and "locked" in locked.text
    # The problem–solution section cannot be revisited.
    ps = engine_view(app, aid).section_questions()
    assert "cannot go back" in client.get(f"/attempts/{aid}").text
    client.post(f"/attempts/{aid}/answer", data=answer_data(ps[0]))
    back = client.post(f"/attempts/{aid}/goto", data={"position": "0"})
    assert back.status_code == 400 and "cannot be revisited" in back.text


def test_time_runs_out_on_the_server(client: TestClient, clock):
    aid = attempt_id(client.post("/attempts", data={"mode": "exam", "exam": "ai-102", "seed": "1"},
                                 follow_redirects=False))
    q = engine_view(client.app, aid).current()
    page = client.get(f"/attempts/{aid}").text
    assert 'data-remaining="6000"' in page  # 100 minutes, counted by the server
    clock.advance(minutes=100)
    late = client.post(f"/attempts/{aid}/answer", data=answer_data(q), follow_redirects=True)
    assert "time ran out" in late.text
    assert engine_view(client.app, aid).status == "expired"


def test_a_restart_loses_no_answer_and_keeps_the_remaining_time(make_app, clock):
    first = TestClient(make_app())
    aid = attempt_id(first.post("/attempts", data={"mode": "exam", "exam": "ai-103", "seed": "3"},
                                follow_redirects=False))
    qs = engine_view(first.app, aid).section_questions()
    for q in qs[:3]:
        first.post(f"/attempts/{aid}/answer", data=answer_data(q))
    clock.advance(minutes=20)
    second = TestClient(make_app())  # a new process on the same database
    view = engine_view(second.app, aid)
    assert [q.answered for q in view.section_questions()[:4]] == [True, True, True, False]
    assert 'data-remaining="6000"' in second.get(f"/attempts/{aid}").text  # 120 − 20 minutes


def test_practice_feedback_shows_explanations_after_each_answer(client: TestClient):
    aid = attempt_id(client.post("/attempts", data={"mode": "practice", "exam": "ai-102", "count": "3",
                                                    "type": "single", "feedback": "now", "seed": "1"},
                                 follow_redirects=False))
    q = engine_view(client.app, aid).current()
    before = client.get(f"/attempts/{aid}").text
    snippet = explanation_snippets(client.app, [q.key])[0]
    assert snippet not in visible(before)
    after = client.post(f"/attempts/{aid}/answer", data=answer_data(q), follow_redirects=True)
    assert "Correct" in after.text and snippet in visible(after.text)
    # The next question, not yet answered, shows no key.
    client.post(f"/attempts/{aid}/goto", data={"position": "1"})
    nxt = engine_view(client.app, aid).current()
    assert nxt.key != q.key
    peek = client.get(f"/attempts/{aid}").text
    assert explanation_snippets(client.app, [nxt.key])[0] not in visible(peek)


def test_bad_form_input_gets_a_readable_error(client: TestClient):
    r = client.post("/attempts", data={"mode": "practice", "exam": "ai-102", "count": "lots"})
    assert r.status_code == 400 and "count must be a whole number" in r.text and "Traceback" not in r.text
    r = client.post("/attempts", data={"mode": "exam", "exam": "az-900"})
    assert r.status_code == 400 and "valid choices: ai-102, ai-103" in r.text
    aid = attempt_id(client.post("/attempts", data={"mode": "diagnostic", "exam": "ai-102"}, follow_redirects=False))
    q = engine_view(client.app, aid).current()
    r = client.post(f"/attempts/{aid}/answer", data={"q": "1", "r": "no-such-option", "m.x": "y", "s.zz": "maybe"})
    assert r.status_code == 400 and "does not fit" in r.text
    json_error = client.get("/attempts/999", headers={"accept": "application/json"})
    assert json_error.status_code == 404 and json_error.json()["error"]["status"] == 404
