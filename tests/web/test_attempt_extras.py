"""The exam-UI extras in the web app (issue 15): intro screens before a problem–solution set and a
case study, options struck through, and "Show answer" in practice; each kept across a restart
(a second app over the same database), none of them sending a bank id."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from .conftest import answer_data, attempt_id
from .test_exam_flow import engine_view
from .test_exam_integrity import assert_no_bank_id_was_sent


def start(client: TestClient, types: list[str], count: int, feedback: str = "end") -> int:
    data = {"mode": "practice", "exam": "ai-102", "type": types, "count": str(count), "feedback": feedback,
            "seed": "5"}
    return attempt_id(client.post("/attempts", data=data, follow_redirects=False))


def test_a_set_and_a_case_study_open_with_their_intro_once(make_app, content_dir):
    client = TestClient(make_app(content=content_dir))
    aid = start(client, ["problem_solution", "case_study"], 2)
    view = engine_view(client.app, aid)
    assert [s.kind for s in view.form.sections] == ["problem_solution", "case_study"]
    sent = []
    page = client.get(f"/attempts/{aid}")
    assert page.url.path == f"/attempts/{aid}/intro"
    sent.append(page.text)
    assert "Problem and solutions" in page.text and "You cannot go back." in page.text
    assert "Yes" in page.text and "cannot be flagged" in page.text and "Continue" in page.text
    client.post(f"/attempts/{aid}/intro")
    restarted = TestClient(make_app(content=content_dir))  # read is read, after a restart too
    page = restarted.get(f"/attempts/{aid}")
    assert page.url.path == f"/attempts/{aid}" and "Question 1 of" in page.text
    for q in engine_view(client.app, aid).section_questions():
        sent.append(restarted.get(f"/attempts/{aid}").text)
        assert "/intro" not in restarted.get(f"/attempts/{aid}").url.path
        restarted.post(f"/attempts/{aid}/answer", data=answer_data(q))
    restarted.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"})
    page = restarted.get(f"/attempts/{aid}")
    assert page.url.path == f"/attempts/{aid}/intro"
    sent.append(page.text)
    case = engine_view(client.app, aid).current().item
    assert f"Case study: {case.title}" in page.text
    assert all(tab.title in page.text for tab in case.scenario)
    assert "you cannot return to it" in page.text
    restarted.post(f"/attempts/{aid}/intro")
    assert "Question 1 of" in restarted.get(f"/attempts/{aid}").text
    assert restarted.get(f"/attempts/{aid}/intro").url.path == f"/attempts/{aid}"  # read: not shown again
    assert_no_bank_id_was_sent(sent, engine_view(client.app, aid))


def test_ordinary_questions_have_no_intro(client: TestClient):
    aid = attempt_id(client.post("/attempts", data={"mode": "diagnostic", "exam": "ai-102"}, follow_redirects=False))
    assert client.get(f"/attempts/{aid}").url.path == f"/attempts/{aid}"


def struck_positions(page: str) -> list[int]:
    return [int(v) for v in re.findall(r'name="restore" value="(\d+)"', page)]


def test_options_are_struck_by_shown_position_and_kept(make_app, content_dir):
    client = TestClient(make_app(content=content_dir))
    aid = start(client, ["single", "multiple"], 2)
    page = client.get(f"/attempts/{aid}").text
    n = len(engine_view(client.app, aid).current().body.options)
    assert re.findall(r'name="strike" value="(\d+)"', page) == [str(i) for i in range(1, n + 1)]
    client.post(f"/attempts/{aid}/strike", data={"q": "1", "strike": "2"})
    client.post(f"/attempts/{aid}/strike", data={"q": "1", "strike": "3"})
    client.post(f"/attempts/{aid}/strike", data={"q": "1", "restore": "2"})
    restarted = TestClient(make_app(content=content_dir))
    page = restarted.get(f"/attempts/{aid}").text
    assert struck_positions(page) == [3]
    assert len(re.findall(r'class="choice struck"', page)) == 1
    restarted.post(f"/attempts/{aid}/strike", data={"q": "1", "strike": "1"})
    restarted.post(f"/attempts/{aid}/answer", data={"q": "1", "r": "3"})
    q = engine_view(client.app, aid).question(0)
    chosen = q.body.options[2].id
    assert q.struck == [1, 3] and q.response in (chosen, [chosen])  # the struck option, still chosen
    bad = restarted.post(f"/attempts/{aid}/strike", data={"q": "1", "strike": str(n + 1)},
                         headers={"accept": "application/json"})
    assert bad.status_code == 400 and f"1 to {n}" in bad.text
    assert restarted.post(f"/attempts/{aid}/strike", data={"q": "1"}).status_code == 400
    assert restarted.post(f"/attempts/{aid}/strike", data={"q": "1", "strike": "x"}).status_code == 400
    assert_no_bank_id_was_sent([page], engine_view(client.app, aid))


def test_show_answer_shows_the_key_and_scores_nothing(make_app, content_dir):
    client = TestClient(make_app(content=content_dir))
    aid = start(client, ["single", "multiple"], 2, feedback="now")
    page = client.get(f"/attempts/{aid}").text
    assert "Show answer" in page and 'class="explanations"' not in page
    q = engine_view(client.app, aid).current()
    shown = client.post(f"/attempts/{aid}/reveal", data={"q": "1"}).text
    assert "Answer shown: counts as not answered" in shown
    assert 'class="explanations"' in shown and "Show answer" not in shown and "Next question" in shown
    refused = client.post(f"/attempts/{aid}/answer", data=answer_data(q), headers={"accept": "application/json"})
    assert refused.status_code == 400 and "its answer was shown" in refused.text
    client.post(f"/attempts/{aid}/goto", data={"position": "1"})
    client.post(f"/attempts/{aid}/answer", data=answer_data(engine_view(client.app, aid).current()))
    client.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"})
    result = engine_view(client.app, aid).result
    assert [(r["points"], r["answered"]) for r in result["questions"]][0] == (0, False)
    assert result["points"] == result["max_points"] - q.max_points


def test_show_answer_is_only_for_practice_with_feedback(client: TestClient):
    aid = attempt_id(client.post("/attempts", data={"mode": "diagnostic", "exam": "ai-102"}, follow_redirects=False))
    assert "Show answer" not in client.get(f"/attempts/{aid}").text
    r = client.post(f"/attempts/{aid}/reveal", data={"q": "1"}, headers={"accept": "application/json"})
    assert r.status_code == 400 and "only in practice" in r.text
    assert engine_view(client.app, aid).question(0).revealed is False


def test_a_second_diagnostic_prefers_questions_not_seen(client: TestClient):
    from collections import Counter

    from certprep.bank.loader import question_domain

    start_diagnostic = lambda: attempt_id(client.post("/attempts", data={"mode": "diagnostic", "exam": "ai-103"},  # noqa: E731
                                                      follow_redirects=False))
    first = start_diagnostic()
    client.post(f"/attempts/{first}/finish-section", data={"confirmed": "1"})
    seen = set(engine_view(client.app, first).form.item_ids())
    second = engine_view(client.app, start_diagnostic()).form
    bank, bp = client.app.state.bank, client.app.state.exams["ai-103"]
    unseen = Counter(question_domain(i, None, bp) for i in bank.for_exam(bp)
                     if i.id not in seen and i.type not in ("case_study", "problem_solution"))
    quota = second.meta["domain_counts"]
    # Seen questions come back only where a domain has too few unseen ones for its share.
    assert len(set(second.item_ids()) & seen) == sum(max(0, k - unseen[d]) for d, k in quota.items())
    assert len(set(second.item_ids()) & seen) < len(seen)
