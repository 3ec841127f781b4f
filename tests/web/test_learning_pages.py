"""The learning pages: readiness on the home page, the review queue, the plan and its calendar,
the authors' item statistics, and confident-and-wrong answers in results."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from certprep.bank.items import split_question_key
from certprep.learn import review

from .conftest import answer_data, attempt_id, form_for
from .test_exam_flow import engine_view, visible


def finish_practice(client, wrong: bool, confidence: str | None = None) -> int:
    aid = attempt_id(client.post("/attempts", data={"mode": "practice", "exam": "ai-102", "count": "3",
                                                    "type": "single", "seed": "2", "feedback": "end"},
                                 follow_redirects=False))
    for q in engine_view(client.app, aid).questions:
        client.post(f"/attempts/{aid}/answer", data={**answer_data(q, correct=not wrong),
                                                     **({"confidence": confidence} if confidence else {})})
    client.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"})
    return aid


def test_readiness_and_confident_and_wrong(client):
    assert "Your readiness" not in client.get("/").text
    aid = finish_practice(client, wrong=True, confidence="high")
    assert "Confident and wrong" in client.get(f"/attempts/{aid}/results").text
    home = visible(client.get("/").text)
    assert "Your readiness expected" in home and "90 interval" in home and "from 3 answers" in home


def test_review_queue_serves_mistakes_when_due(client, clock):
    finish_practice(client, wrong=True)
    assert "Nothing is due" in client.get("/review").text
    clock.advance(minutes=11)
    page = client.get("/review").text
    assert "3 due now" in page
    token = page.split('name="card" value="')[1].split('"')[0]
    with client.app.state.store.session.begin() as s:
        key = review.key_of(s, "local", token)
        due = review.due(s, "local", clock())
    assert key == due[0]
    # The page names no question: not the key it answers, not any due item's id.
    assert not [k for k in due if k in page or split_question_key(k)[0] in page]
    item_id, part = split_question_key(key)
    body = review.shown(client.app.state.bank.items[item_id], part, key, clock())  # the order the page shows
    after = client.post("/review", data={"card": token, **form_for(body)})
    assert "Correct" in after.text and "learn.microsoft.com" in after.text
    assert "2 due now" in client.get("/review").text
    assert client.post("/review", data={"card": token, **form_for(body)}).status_code == 400  # no longer due
    for forged in (key, "", "x" * 10_000):  # a question key, nothing, junk: a clear 400
        refused = client.post("/review", data={"card": forged, **form_for(body)})
        assert refused.status_code == 400 and "not in your review queue" in refused.text


def test_plan_page_and_calendar(client, clock):
    date = (clock().date() + dt.timedelta(weeks=9)).isoformat()
    page = client.get("/plan/show", params={"exam": "ai-103", "date": date, "hours": "7"})
    assert "9 weeks at 7.0 hours a week" in page.text
    ics = client.get("/plan.ics", params={"exam": "ai-103", "date": date, "hours": "7", "certified_on": "2026-05-01"})
    assert ics.headers["content-type"].startswith("text/calendar")
    assert len(Calendar.from_ical(ics.content).walk("VEVENT")) == 9 + 2
    assert client.get("/plan/show", params={"exam": "ai-103", "date": "yesterday"}).status_code == 400


def test_item_statistics_page(client):
    finish_practice(client, wrong=False)
    page = visible(client.get("/authors/item-stats").text)
    assert "Item statistics" in page and "1 00" in page  # facility 1.00 after one right answer
    after = client.post("/authors/calibrate", follow_redirects=True)
    assert "Calibrated 0 questions" in after.text  # one attempt: too few responses to fit
