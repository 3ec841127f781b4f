"""After an attempt: the score report, the review of every question, and how scoring works.

The report follows the real one (a bar per skill area, the weakest areas) and adds what a
learner needs next: time used, each section's score, every skill with the fewest points first,
and for each weak domain a way to practise it and the Learn pages its questions cite.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request

from certprep.bank.items import Ref
from certprep.bank.loader import question_domain
from certprep.engine.attempts import AttemptView, QuestionState
from certprep.errors import UnknownChoice
from certprep.web.http import HttpError, attempts_for, page, redirect

router = APIRouter()

WEAK_PERCENT = 70  # a domain under this share of its points is worth studying next
REVIEW_FILTERS = {"all": "Every question", "wrong": "Wrong or partly wrong", "flagged": "Flagged",
                  "low": "Answered with low confidence"}


@dataclass
class WeakDomain:
    id: str
    name: str
    percent: float
    learn: list[tuple[Ref, int]]  # pages cited by this attempt's questions of the domain, most cited first


def _finished(request: Request, attempt_id: int, what: str) -> AttemptView:
    view = attempts_for(request).get(attempt_id)
    if view.open:
        raise HttpError(409, f"this attempt is still open; {what}")
    return view


def wrong(q: QuestionState) -> bool:
    return (q.points or 0) < q.max_points


def matches(q: QuestionState, show: str) -> bool:
    return {"all": True, "wrong": wrong(q), "flagged": q.flagged, "low": q.confidence == "low"}[show]


def weak_domains(view: AttemptView, bp) -> list[WeakDomain]:
    """Domains under WEAK_PERCENT (or named weakest by the score), weakest first, each with the
    Learn pages its questions cite."""
    named = set(view.result.get("weakest_domains") or [])
    out = []
    for d in sorted(view.result["domains"], key=lambda d: d["percent"]):
        if d["percent"] >= WEAK_PERCENT and d["id"] not in named:
            continue
        cited: dict[str, tuple[Ref, int]] = {}
        for q in view.questions:
            if question_domain(q.item, q.part, bp) == d["id"]:
                for ref in q.item.links():
                    seen = cited.get(ref.url)
                    cited[ref.url] = (ref, seen[1] + 1 if seen else 1)
        learn = sorted(cited.values(), key=lambda rc: (-rc[1], rc[0].title))[:6]
        out.append(WeakDomain(d["id"], d["name"], d["percent"], learn))
    return out


def section_scores(view: AttemptView) -> list[dict]:
    return [{"title": s.title, "points": sum(q.points or 0 for q in view.section_questions(i)),
             "max_points": sum(q.max_points for q in view.section_questions(i))}
            for i, s in enumerate(view.form.sections)]


def skill_rows(view: AttemptView, bp) -> list[dict]:
    """Every skill tested, the fewest points (then the lowest share) first."""
    rows = [{**s, "name": bp.skills[s["id"]].name if s["id"] in bp.skills else s["id"]}
            for s in view.result.get("skills", [])]
    return sorted(rows, key=lambda s: (s["points"], s["percent"], s["id"]))


def minutes(view: AttemptView) -> int | None:
    if view.finished_at is None:
        return None
    return max(0, round((view.finished_at - view.started_at).total_seconds() / 60))


@router.get("/attempts/{attempt_id}/results")
def results(request: Request, attempt_id: int):
    view = _finished(request, attempt_id, "finish it to see results")
    if view.mode == "check":
        return page(request, "check_results.html", view=view, result=view.result)
    bp = request.app.state.exams[view.exam]
    numbers = {q.key: n for n, q in enumerate(view.questions, 1)}
    confident_wrong = [(numbers[k], view.question(k)) for k in view.result.get("confident_and_wrong", [])
                       if k in numbers]
    return page(request, "results.html", view=view, result=view.result, bp=bp, weak=weak_domains(view, bp),
                 sections=section_scores(view), skills=skill_rows(view, bp), minutes_used=minutes(view),
                 confident_wrong=confident_wrong, missed=[q.item.id for q in view.questions if wrong(q)])


@router.get("/attempts/{attempt_id}/review")
def review(request: Request, attempt_id: int, show: str = "all"):
    view = _finished(request, attempt_id, "keys are shown only after it is finished")
    if show not in REVIEW_FILTERS:
        raise UnknownChoice("review filter", show, list(REVIEW_FILTERS))
    shown = [(n, q) for n, q in enumerate(view.questions, 1) if matches(q, show)]
    counts = {f: sum(matches(q, f) for q in view.questions) for f in REVIEW_FILTERS}
    again = sorted({q.item.id for _, q in shown if show != "all" or wrong(q)})
    return page(request, "review.html", view=view, result=view.result, shown=shown, show=show,
                 filters=REVIEW_FILTERS, counts=counts, again=again,
                 withheld=attempts_for(request).withheld_items(exclude=attempt_id))


@router.post("/attempts/{attempt_id}/practice-again")
def practice_again(request: Request, attempt_id: int, show: str = "wrong"):
    """A practice set of this attempt's questions that match a review filter (wrong by default)."""
    from certprep.engine.forms import practice_form

    view = _finished(request, attempt_id, "finish it first")
    if show not in REVIEW_FILTERS:
        raise UnknownChoice("review filter", show, list(REVIEW_FILTERS))
    only = {q.item.id for q in view.questions if matches(q, show) and (show != "all" or wrong(q))}
    if not only:
        raise HttpError(400, "no question of this attempt matches that filter; nothing to practise")
    state = request.app.state
    live = {i for i in only if i in state.bank.items}
    if not live:
        raise HttpError(400, "those questions are no longer in the bank")
    built = practice_form(state.bank, state.exams[view.exam], count=len(live), only=live)
    return redirect(f"/attempts/{attempts_for(request).start(built, state.bank, feedback='now')}")


@router.get("/scoring")
def scoring(request: Request):
    return page(request, "scoring.html")
