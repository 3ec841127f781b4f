"""The Quick check in the web app: started from the home and exam pages, one question at a time,
no key or explanation sent before the end, resumable, and a result with the pass/fail call."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from .conftest import attempt_id, form_for
from .test_exam_flow import engine_view, explanation_snippets, visible


def posted_key(page: str) -> str:
    """The question reference the page's answer form sends back (whatever it is)."""
    return re.search(r'name="q" value="([^"]+)"', page).group(1)


def test_quick_check_is_offered_on_the_home_and_exam_pages(client: TestClient):
    for path in ("/", "/exams/ai-103"):
        page = client.get(path).text
        assert re.search(r'<button type="submit" name="mode" value="check">Quick check</button>', page), path


def test_a_whole_quick_check(client: TestClient):
    start = client.post("/attempts", data={"mode": "check", "exam": "ai-103"}, follow_redirects=False)
    aid = attempt_id(start)
    app = client.app
    asked = []
    for n in range(1, 26):
        page = client.get(f"/attempts/{aid}", follow_redirects=False)
        if page.status_code == 303:
            break
        assert f"Question {n}" in page.text and "stops when its call is sure" in page.text
        assert "Flag for review" not in page.text and "Save and next" in page.text
        q = engine_view(app, aid).current()
        asked.append(q.key)
        for snippet in explanation_snippets(app, [q.key]):
            assert snippet not in visible(page.text)  # nothing of the key is sent before the end
        r = client.post(f"/attempts/{aid}/answer", data={"q": posted_key(page.text), **form_for(q.body, correct=True)},
                        follow_redirects=False)
        assert r.headers["location"] == f"/attempts/{aid}"
    assert page.headers["location"] == f"/attempts/{aid}/results"
    assert len(asked) == 10  # all right: sure of a pass as soon as the minimum is reached
    results = visible(client.get(f"/attempts/{aid}/results").text)
    assert "quick check likely pass" in results and "questions asked 10" in results
    assert "Expected scaled score" in results and "Mastery by skill area" in results
    assert "Implement computer vision solutions" in results
    history = client.get("/attempts").text
    assert f"#{aid}" in history or f"/attempts/{aid}" in history
    assert client.get(f"/attempts/{aid}/review").status_code == 200


def test_an_empty_answer_keeps_the_question_and_a_restart_loses_nothing(make_app):
    client = TestClient(make_app())
    aid = attempt_id(client.post("/attempts", data={"mode": "check", "exam": "ai-103"}, follow_redirects=False))
    page = client.get(f"/attempts/{aid}").text
    client.post(f"/attempts/{aid}/answer", data={"q": posted_key(page)})
    assert len(engine_view(client.app, aid).questions) == 1  # nothing answered, nothing asked next
    ended = client.post(f"/attempts/{aid}/finish-section")  # a check ends only by its stopping rule
    assert ended.status_code == 400 and "ends by itself" in ended.text and engine_view(client.app, aid).open
    q = engine_view(client.app, aid).current()
    client.post(f"/attempts/{aid}/answer", data={"q": posted_key(page), **form_for(q.body, correct=False)})
    second = TestClient(make_app())  # another process over the same database
    view = engine_view(second.app, aid)
    assert len(view.questions) == 2 and view.questions[0].answered and "Question 2" in second.get(f"/attempts/{aid}").text
