"""What a first-time user hit (issue 15), each fixed and kept fixed: the in-process half (the
browser half is in test_browser_ux.py). Every test here failed on the code before the fix."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from .conftest import answer_data, attempt_id
from .test_exam_flow import engine_view, visible


@pytest.fixture
def doc_client(make_app, content_dir) -> TestClient:
    """An app whose bank is the documented examples, one of each type; one matching source
    written with inline code, as bank authors do."""
    path = content_dir / "items" / "language-feature-matching.yaml"
    path.write_text(path.read_text().replace("text: PII detection", 'text: "`PII` detection"'))
    return TestClient(make_app(content=content_dir))


def start(client: TestClient, **fields) -> int:
    return attempt_id(client.post("/attempts", data={"exam": "ai-102", **fields}, follow_redirects=False))


def finish(client: TestClient, aid: int) -> None:
    while engine_view(client.app, aid).open:
        assert client.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"}).status_code in (200, 303)


def practice_of(client: TestClient, item_type: str, feedback: str = "end") -> int:
    return start(client, mode="practice", type=item_type, count="1", feedback=feedback)


# 1 -------------------------------------------------------------------------------------------


def test_flagging_keeps_a_choice_not_yet_saved(client: TestClient):
    aid = start(client, mode="exam", seed="5")
    q = engine_view(client.app, aid).current()
    # The flag button belongs to the answer form: without JavaScript the choice comes along.
    client.post(f"/attempts/{aid}/flag", data={"flagged": "1", **answer_data(q)})
    after = engine_view(client.app, aid).question(q.key)
    assert after.flagged and after.response is not None
    page = client.get(f"/attempts/{aid}").text
    assert "⚑ Flagged for review" in page and 'formaction="/attempts/%d/flag"' % aid in page


# 2 and 5 -------------------------------------------------------------------------------------


def test_practice_feedback_is_final_and_shown_on_its_own_question(client: TestClient):
    aid = start(client, mode="practice", type="single", count="3", seed="4", feedback="now")
    q = engine_view(client.app, aid).current()
    stem_words = " ".join(visible(q.body.stem).split()[:8])
    after = client.post(f"/attempts/{aid}/answer", data=answer_data(q, correct=False),
                        follow_redirects=True)
    text = visible(after.text)
    assert "Question 1 of 3" in text and stem_words in text  # its own question, text repeated
    assert "0 of 1 points" in text and "Next question" in text
    assert re.search(r"<fieldset disabled", after.text)  # shown locked, with the answer given
    again = client.post(f"/attempts/{aid}/answer", data=answer_data(q, correct=True))
    assert again.status_code == 400 and "final" in again.text
    assert engine_view(client.app, aid).question(q.key).points == 0
    client.post(f"/attempts/{aid}/goto", data={"position": "1"})
    client.post(f"/attempts/{aid}/goto", data={"position": "0"})  # "Previous"
    back = client.get(f"/attempts/{aid}").text
    assert re.search(r"<fieldset disabled", back) and "Submit answer" not in back


# 3 -------------------------------------------------------------------------------------------


def test_exam_page_counts_live_items_per_domain_and_skill(client: TestClient):
    from certprep.bank.coverage import coverage

    page = client.get("/exams/ai-103").text
    assert "built-in method" not in page
    counts = coverage(client.app.state.bank, client.app.state.exams["ai-103"])
    first = counts["domains"][0]
    assert re.search(rf"{re.escape(first['name'])}</td><td>[^<]*</td><td>{first['items']}</td>", page)


# 4 -------------------------------------------------------------------------------------------


def test_results_name_questions_by_their_text_with_a_link(client: TestClient):
    aid = start(client, mode="practice", type="single", count="2", seed="2")
    for q in engine_view(client.app, aid).questions:
        client.post(f"/attempts/{aid}/answer", data={"confidence": "high", **answer_data(q, correct=False)})
    finish(client, aid)
    view = engine_view(client.app, aid)
    page = client.get(f"/attempts/{aid}/results").text
    text = visible(page)
    assert "Confident and wrong" in text
    for n, q in enumerate(view.questions, 1):
        assert q.item.id not in text
        assert f'href="/attempts/{aid}/review#q-{n}"' in page
        assert " ".join(visible(q.body.stem).split()[:6]) in text
    review = client.get(f"/attempts/{aid}/review").text
    assert 'id="q-1"' in review and not any(q.item.id in visible(review) for q in view.questions)


# 6 -------------------------------------------------------------------------------------------


def test_markdown_code_is_not_shown_as_backticks(doc_client: TestClient):
    aid = practice_of(doc_client, "matching")
    page = doc_client.get(f"/attempts/{aid}").text
    options = re.findall(r"<option [^>]*>([^<]*)</option>", page)
    assert "PII detection" in options and not any("`" in o for o in options)
    q = engine_view(doc_client.app, aid).current()
    pii = [src.id for src in q.body.sources].index("pii") + 1  # choices are posted by shown position
    doc_client.post(f"/attempts/{aid}/answer", data={"q": str(q.position + 1), **{f"m.{n}": str(pii) for n in range(1, len(q.body.targets) + 1)}})
    finish(doc_client, aid)
    review = doc_client.get(f"/attempts/{aid}/review").text
    assert "`" not in visible(review).replace("``", "") and "<code>PII</code> detection" in review


def test_terminal_shows_markdown_code_without_backticks(doc_bank):
    import io

    from rich.console import Console

    from certprep.terminal import render_body

    item = doc_bank.items["search-filter-sort-attributes"]
    out = io.StringIO()
    Console(file=out, width=100, color_system=None).print(render_body(item))
    shown = out.getvalue()
    assert "A. filterable" in shown and "`filterable`" not in shown


# 7 -------------------------------------------------------------------------------------------


def test_review_shows_each_answer_beside_the_key_marked_per_part(doc_client: TestClient):
    aids = {t: practice_of(doc_client, t) for t in ("dropdown", "yes_no")}
    dd = engine_view(doc_client.app, aids["dropdown"]).current()
    wrong_blank = dd.body.blanks[0]
    wrong_option = next(o for o in wrong_blank.options if o.id != wrong_blank.key)
    doc_client.post(f"/attempts/{aids['dropdown']}/answer",
                    data={**answer_data(dd), "b.1": str(dd.body.blanks[0].options.index(wrong_option) + 1)})
    yn = engine_view(doc_client.app, aids["yes_no"]).current()
    doc_client.post(f"/attempts/{aids['yes_no']}/answer",
                    data={"q": str(yn.position + 1), **{f"s.{n}": "yes" for n in range(1, len(yn.body.statements) + 1)}})
    for aid in aids.values():
        finish(doc_client, aid)

    page = doc_client.get(f"/attempts/{aids['dropdown']}/review").text
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td[^>]*class=\"mark (\w+)\">", page)
    assert len(rows) == len(dd.body.blanks)
    assert not any(f"{b.id}:" in visible(page) for b in dd.body.blanks)  # no blank ids
    assert [r[3] for r in rows].count("wrong") == 1 and rows[0][0].startswith("Drop-down 1")
    assert f"<code>{wrong_option.text}</code>" in rows[[b.id for b in dd.body.blanks].index(wrong_blank.id)][1]

    page = doc_client.get(f"/attempts/{aids['yes_no']}/review").text
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th><td[^>]*>(Yes|No|—)</td><td[^>]*>(Yes|No)</td><td[^>]*class=\"mark (\w+)\">", page)
    assert [(r[1], r[2], r[3]) for r in rows] == [("Yes", "Yes" if s.key else "No", "right" if s.key else "wrong")
                                                  for s in yn.body.statements]
    assert "1: Yes" not in visible(page)
    # Refs by title, with the URL kept in the link.
    item = doc_client.app.state.bank.items["keys-and-rotation-statements"]
    for ref in item.links():
        assert f'<a href="{ref.url}">{ref.title}</a>' in page and ref.title != ref.url


def test_refs_take_a_title_or_get_one_from_the_url(doc_bank):
    from certprep.bank.items import Ref, ref_title

    invoice = doc_bank.items["docintel-invoice-prebuilt"]  # the documented example gives a title
    assert invoice.links()[0] == Ref(url="https://learn.microsoft.com/en-us/azure/ai-services/document-intelligence/prebuilt/invoice",
                                     title="Document Intelligence invoice model")
    assert invoice.links()[1].title == "Model overview"  # a plain URL stays valid
    assert ref_title("https://learn.microsoft.com/en-us/azure/ai-services/openai/how-to/managed-identity#chat-api") == \
        "Managed identity › chat API"


# 8 -------------------------------------------------------------------------------------------


def test_finishing_a_section_is_confirmed_first_naming_what_is_left(client: TestClient):
    aid = start(client, mode="exam", seed="6")
    qs = engine_view(client.app, aid).section_questions()
    client.post(f"/attempts/{aid}/answer", data=answer_data(qs[0]))
    client.post(f"/attempts/{aid}/flag", data={"q": str(qs[2].position + 1), "flagged": "1"})
    asked = client.post(f"/attempts/{aid}/finish-section", follow_redirects=True)
    text = visible(asked.text)
    assert "Finish this section" in text and f"{len(qs) - 1} unanswered questions 2 3 4" in text
    assert "1 flagged for review question 3" in text
    assert engine_view(client.app, aid).section == 0  # nothing locked yet
    client.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"})
    assert engine_view(client.app, aid).section == 1


# 9 and 10 ------------------------------------------------------------------------------------


def test_results_link_the_scoring_page_and_practice_gets_points_not_a_verdict(client: TestClient):
    diag = start(client, mode="diagnostic")
    finish(client, diag)
    page = client.get(f"/attempts/{diag}/results").text
    assert "docs/scoring.md" not in page and 'href="/scoring"' in page
    assert "scaled score" in visible(client.get("/scoring").text)
    aid = start(client, mode="practice", count="6", seed="1")
    for q in engine_view(client.app, aid).questions:
        if q.section == 0:
            client.post(f"/attempts/{aid}/answer", data=answer_data(q))
    finish(client, aid)
    text = visible(client.get(f"/attempts/{aid}/results").text)
    assert "Pass" not in text and "Fail" not in text and "pass at" not in text
    result = engine_view(client.app, aid).result
    assert f"practice {result['points']} of {result['max_points']} points" in text
    for d in result["domains"]:
        assert f"{d['name']} {d['points']} {d['max_points']}" in text


# 11 ------------------------------------------------------------------------------------------


def test_home_readiness_only_for_exams_attempted_ai_103_first(client: TestClient):
    home = client.get("/").text
    assert home.index('id="exam-ai-103"') < home.index('id="exam-ai-102"')
    aid = start(client, mode="practice", type="single", count="3", seed="2")
    aid = attempt_id(client.post("/attempts", data={"exam": "ai-103", "mode": "practice", "type": "single",
                                                    "count": "3", "seed": "2"}, follow_redirects=False))
    for q in engine_view(client.app, aid).questions:
        client.post(f"/attempts/{aid}/answer", data=answer_data(q))
    finish(client, aid)
    home = client.get("/").text
    ai103 = home.split('id="exam-ai-103"')[1].split("</section>")[0]
    ai102 = home.split('id="exam-ai-102"')[1].split("</section>")[0]
    assert "Your readiness" in ai103 and "Your readiness" not in ai102


# 12 ------------------------------------------------------------------------------------------


def test_plan_starts_with_the_weakest_domain_in_half_hours_and_remembers_the_date(client: TestClient, clock):
    bp = client.app.state.exams["ai-103"]
    aid = attempt_id(client.post("/attempts", data={"exam": "ai-103", "mode": "diagnostic"}, follow_redirects=False))
    view = engine_view(client.app, aid)
    from certprep.bank.loader import question_domain

    weakest = bp.domains[-1].id  # the lightest domain: without measured weakness it would come late
    for q in view.questions:
        right = question_domain(q.item, q.part, bp) != weakest
        client.post(f"/attempts/{aid}/answer", data=answer_data(q, correct=right))
    finish(client, aid)
    result = engine_view(client.app, aid).result
    assert min(result["domains"], key=lambda d: d["percent"])["id"] == weakest
    date = (clock().date() + dt.timedelta(weeks=9)).isoformat()
    page = client.get("/plan/show", params={"exam": "ai-103", "date": date, "hours": "7"}).text
    weeks = re.findall(r"<li>Week of [^:]*: (.*?)</li>", page)
    name = bp.domain(weakest).name
    assert weeks[0].startswith(name)
    hours = [float(h) for h in re.findall(r" ([\d.]+) h", " ".join(weeks))]
    assert hours and all(h * 2 == int(h * 2) and h >= 0.5 for h in hours)
    again = client.get("/plan").text  # the next visit: the date and the plan are still there
    assert f'value="{date}"' in again and name in again


# 13 ------------------------------------------------------------------------------------------


def test_no_flag_where_answers_are_final_and_a_favicon(client: TestClient):
    aid = start(client, mode="exam", seed="2")
    assert "Flag for review" in client.get(f"/attempts/{aid}").text
    client.post(f"/attempts/{aid}/finish-section", data={"confirmed": "1"})
    view = engine_view(client.app, aid)
    assert not view.current_section().revisit  # the problem–solution set
    page = client.get(f"/attempts/{aid}").text
    assert "cannot go back" in page and "Flag for review" not in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon" and icon.content[:4] == b"\0\0\1\0"
    assert '"includeIndicatorStyles": false' in page


# Exam-UI fidelity: the score report and the review lead somewhere -----------------------------


def test_score_report_and_review_filters_lead_to_practice(client: TestClient, clock):
    aid = start(client, mode="exam", seed="3")
    view = engine_view(client.app, aid)
    first = view.section_questions()
    for n, q in enumerate(first[:6]):
        client.post(f"/attempts/{aid}/answer", data={"confidence": "low" if n == 0 else "high",
                                                     **answer_data(q, correct=n % 2 == 0)})
    client.post(f"/attempts/{aid}/flag", data={"q": str(first[1].position + 1), "flagged": "1"})
    clock.advance(minutes=37)
    finish(client, aid)
    view = engine_view(client.app, aid)
    page = client.get(f"/attempts/{aid}/results").text
    text = visible(page)
    assert "Time used 37 minutes of 100" in text
    for s in range(len(view.form.sections)):
        got = sum(q.points or 0 for q in view.section_questions(s))
        assert f"{visible(view.form.sections[s].title)} {got} of" in text
    skills = re.findall(r'<table class="skills">.*?</table>', page, re.S)[0]
    points = [int(p) for p in re.findall(r"<td>(\d+) / \d+</td>", skills)]
    assert points == sorted(points)  # fewest points first
    assert "Practice this domain" in text and "Learn pages its questions cite" in text
    # The review filters, and practising the wrong ones again.
    wrong = [q for q in view.questions if (q.points or 0) < q.max_points]
    for show, expected in (("wrong", len(wrong)), ("flagged", 1), ("low", 1)):
        shown = client.get(f"/attempts/{aid}/review", params={"show": show}).text
        assert len(re.findall(r'<section class="review-item"', shown)) == expected, show
    assert client.get(f"/attempts/{aid}/review", params={"show": "bogus"}).status_code == 400
    again = client.post(f"/attempts/{aid}/practice-again?show=flagged", follow_redirects=False)
    new = engine_view(client.app, attempt_id(again))
    assert new.mode == "practice" and [q.item.id for q in new.questions] == [first[1].item.id]
