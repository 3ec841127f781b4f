"""Exam-UI extras of a question page: the intro screen before a problem–solution set or a case
study, striking options through, and "Show answer" in practice.

"Show answer" is a button of the answer form (`formaction`), so it works without JavaScript;
striking is done by app.js (a right-click, a key, a small button), which posts here without
leaving the page. Every question is named by its number in the attempt and every option by its
shown position, never by a bank id.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from certprep.web.http import HttpError, attempts_for, int_field, now, page, question_index, redirect

router = APIRouter()

INTROS = {"problem_solution": "Problem and solutions", "case_study": "Case study"}


@router.get("/attempts/{attempt_id}/intro")
def intro(request: Request, attempt_id: int):
    view = attempts_for(request).get(attempt_id)
    if view.intro_due is None:  # already read, or no intro here: on to the question
        return redirect(f"/attempts/{attempt_id}")
    section = view.current_section()
    remaining = view.remaining(now(request))
    case = view.current().item if view.intro_due == "case_study" else None
    return page(request, "intro.html", view=view, section=section, kind=view.intro_due, case=case,
                count=len(view.section_questions()), later=len(view.form.sections) - view.section - 1,
                remaining=int(remaining.total_seconds()) if remaining is not None else None)


@router.post("/attempts/{attempt_id}/intro")
def intro_read(request: Request, attempt_id: int):
    attempts_for(request).dismiss_intro(attempt_id)
    return redirect(f"/attempts/{attempt_id}")


def _option(form) -> tuple[int, bool]:
    """The option named by `strike` (strike it through) or `restore` (undo), by shown position."""
    for name, struck in (("strike", True), ("restore", False)):
        if form.get(name) not in (None, ""):
            return int_field(form.get(name), name, None, 1, 100), struck
    raise HttpError(400, "name the option by its position: strike=N or restore=N")


@router.post("/attempts/{attempt_id}/strike")
async def strike(request: Request, attempt_id: int):
    """Strike an option through or restore it (app.js posts it; the page stays as it is)."""
    form = await request.form()
    position = question_index(form)
    choice, struck = _option(form)
    attempts_for(request).strike(attempt_id, position, choice, struck)
    return redirect(f"/attempts/{attempt_id}")


@router.post("/attempts/{attempt_id}/reveal")
async def reveal(request: Request, attempt_id: int):
    """Practice: show the answer before answering; the question then counts as not answered."""
    attempts = attempts_for(request)
    attempts.reveal(attempt_id, question_index(await request.form()))
    return redirect(f"/attempts/{attempt_id}")
