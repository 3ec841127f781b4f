"""While an exam is open, its questions are served with feedback nowhere (issue 12, point 2):
not in practice with feedback now, not in the review queue, not in the review of a finished
attempt; and the exam page hides the site menu, as the real exam does."""

from __future__ import annotations

from fastapi.testclient import TestClient

from certprep.engine.attempts import Attempts
from certprep.engine.forms import Form, Section
from certprep.learn import review as review_queue

from .conftest import answer_data, attempt_id
from .test_exam_flow import engine_view, explanation_snippets, visible


def practice(client: TestClient, seed: int, feedback: str, count: int = 3) -> int:
    return attempt_id(client.post("/attempts", data={"mode": "practice", "exam": "ai-102", "count": str(count),
                                                     "type": "single", "feedback": feedback, "seed": str(seed)},
                                  follow_redirects=False))


def open_exam(app, keys: list[str]) -> int:
    """An exam holding exactly these questions, started as the web's local user."""
    attempts = Attempts(app.state.store, app.state.exams, clock=app.state.settings.clock)
    form = Form("ai-102", "exam", [Section("questions", "Exam", keys)], seed=1, bank_version="t", minutes=100)
    return attempts.start(form, app.state.bank)


def test_an_open_exam_withholds_its_keys_everywhere(client: TestClient, clock):
    app = client.app
    finished = practice(client, seed=2, feedback="end")
    for q in engine_view(app, finished).questions:
        client.post(f"/attempts/{finished}/answer", data=answer_data(q, correct=False))
    client.post(f"/attempts/{finished}/finish-section", data={"confirmed": "1"})
    missed = [q.key for q in engine_view(app, finished).questions]
    now_practice = practice(client, seed=1, feedback="now")
    practised = [q.key for q in engine_view(app, now_practice).questions]
    exam = open_exam(app, missed + [k for k in practised if k not in missed])

    # Practice with feedback now: the answer is stored, its key is not shown.
    q = engine_view(app, now_practice).current()
    after = client.post(f"/attempts/{now_practice}/answer", data=answer_data(q), follow_redirects=True)
    peek = client.get(f"/attempts/{now_practice}").text
    for page in (after.text, peek):
        assert "Correct" not in page and 'class="feedback"' not in page
        assert not [s for s in explanation_snippets(app, [q.key]) if s in visible(page)]
    assert f"withheld while your attempt {exam} is open" in client.get(f"/attempts/{now_practice}").text

    # The review queue skips them, and refuses them by key.
    clock.advance(minutes=11)
    queue = client.get("/review").text
    assert "Nothing is due" in queue and "wait until you finish" in queue
    with app.state.store.session.begin() as s:
        token = review_queue.token_of(s, "local", missed[0])
    refused = client.post("/review", data={"card": token, "r": "1"})
    assert refused.status_code == 409 and f"open attempt {exam}" in refused.text

    # The review of a finished attempt holds back the keys of those questions.
    review = visible(client.get(f"/attempts/{finished}/review").text)
    assert not [s for s in explanation_snippets(app, missed) if s in review]
    assert "withheld while your attempt" in review

    # New practice never draws them.
    fresh = practice(client, seed=3, feedback="now", count=500)
    assert not {q.item.id for q in engine_view(app, fresh).questions} & {k.split("/")[0] for k in missed + practised}

    # The exam page: no site menu, a way out that keeps the attempt.
    page = client.get(f"/attempts/{exam}").text
    assert 'href="/practice"' not in page and 'href="/review"' not in page and "Pause and leave" in page
    assert 'href="/practice"' in client.get(f"/attempts/{now_practice}").text  # practice keeps the menu

    # Once the exam is finished, everything is served again.
    client.post(f"/attempts/{exam}/finish-section", data={"confirmed": "1"})
    assert "due now" in client.get("/review").text
    review = visible(client.get(f"/attempts/{finished}/review").text)
    assert not [s for s in explanation_snippets(app, missed) if s not in review]


def test_an_expired_exam_withholds_nothing(client: TestClient, clock):
    app = client.app
    now_practice = practice(client, seed=1, feedback="now")
    q = engine_view(app, now_practice).current()
    open_exam(app, [q.key])
    clock.advance(minutes=101)  # the exam ran out of time: it is over, whether or not anyone looked
    after = client.post(f"/attempts/{now_practice}/answer", data=answer_data(q), follow_redirects=True)
    assert "Correct" in after.text
