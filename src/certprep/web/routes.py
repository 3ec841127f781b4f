"""Pages and form posts. Each handler reads the request, calls the core, and renders or redirects."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from certprep.accounts import SESSION_DAYS, AccountError, TooManyAttempts
from certprep.bank.items import ITEM_TYPES
from certprep.engine.attempts import AttemptView
from certprep.engine.forms import MAX_PRACTICE, diagnostic_form, exam_form, practice_form
from certprep.engine.scoring import InvalidResponse
from certprep.errors import AttemptClosed, UnknownChoice
from certprep.web.answer_form import response_from_form
from certprep.web.http import (
    SESSION_COOKIE, HttpError, attempts_for, database_work, exam_of, int_field, now, page, question_index, redirect,
    require_author,
)
from certprep.bank.career import load_career

router = APIRouter()
SEED_MAX = 2**31 - 1


async def posted(request: Request) -> FormData:
    """The submitted form, read on the event loop; the handlers that take it are plain `def`s,
    which FastAPI runs in its thread pool, so database waits and password hashing never stall
    the other requests of a worker."""
    return await request.form()


# ---- public pages


def exams_in_order(exams: dict) -> list[tuple[str, object]]:
    """The exams people can sit first (AI-103 before the retiring AI-102), newest outline first."""
    return sorted(exams.items(), key=lambda kv: (kv[1].status.state in ("retiring", "retired"), -kv[1].outline.date.toordinal()))


@router.get("/")
def home(request: Request):
    from certprep.learn.readiness import learner_readiness, load_calibration

    recent, readiness = [], {}
    if request.state.user:
        state = request.app.state
        attempts = attempts_for(request)
        recent = attempts.summaries(last=5)
        calibration = load_calibration(state.store)
        attempted = attempts.finished_exams()
        for code, bp in state.exams.items():
            if code not in attempted:  # an estimate for an exam never tried would be borrowed from another
                continue
            ready = learner_readiness(state.store, request.state.user, state.bank, bp, calibration)
            if ready.answered:
                readiness[code] = ready
    return page(request, "home.html", recent=list(reversed(recent)), readiness=readiness,
                ordered=exams_in_order(request.app.state.exams))


@router.get("/exams/{code}")
def exam_page(request: Request, code: str):
    from certprep.bank.coverage import coverage

    bp = exam_of(request, code)
    return page(request, "exam.html", bp=bp, coverage=coverage(request.app.state.bank, bp))


@router.get("/career")
def career(request: Request):
    if not (request.app.state.content / "career.yaml").is_file():
        raise HttpError(404, f"no career facts here: {request.app.state.content / 'career.yaml'} is missing")
    return page(request, "career.html", career=load_career(request.app.state.content))


@router.get("/services")
def services(request: Request, q: str = ""):
    from certprep.bank.services import load_catalog

    catalog = load_catalog(request.app.state.content / "services.yaml")
    found = catalog.find(q) if q.strip() else catalog.services
    return page(request, "services.html", services=found, q=q)


# ---- accounts (only when the server has them)


def _accounts_only(request: Request) -> None:
    if not request.app.state.settings.accounts:
        raise HttpError(404, "this server runs for one person and has no accounts")


def _client(request: Request) -> str:
    """The client's address: the peer's, or what a trusted proxy says (`serve --proxy-headers`)."""
    return request.client.host if request.client else "unknown"


def _signed_in(request: Request, user_id: str) -> RedirectResponse:
    token = request.app.state.accounts.open_session(user_id)
    response = redirect("/")
    secure = request.app.state.settings.secure_cookies
    if secure is None:  # automatic: Secure when the request came over HTTPS (or a trusted proxy says so)
        secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/",
                        secure=secure, max_age=SESSION_DAYS * 24 * 3600)
    return response


@router.get("/signup")
def signup_form(request: Request):
    _accounts_only(request)
    return page(request, "signup.html")


@router.post("/signup")
def signup(request: Request, form: FormData = Depends(posted)):
    _accounts_only(request)
    try:
        user_id = request.app.state.accounts.sign_up(str(form.get("email", "")), str(form.get("password", "")),
                                                     _client(request))
    except AccountError as exc:
        return page(request, "signup.html", status=429 if isinstance(exc, TooManyAttempts) else 400, error=str(exc),
                    email_value=str(form.get("email", ""))[:254])
    return _signed_in(request, user_id)


@router.get("/signin")
def signin_form(request: Request):
    _accounts_only(request)
    return page(request, "signin.html")


@router.post("/signin")
def signin(request: Request, form: FormData = Depends(posted)):
    _accounts_only(request)
    try:
        user_id = request.app.state.accounts.sign_in(str(form.get("email", "")), str(form.get("password", "")),
                                                     _client(request))
    except AccountError as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 400
        return page(request, "signin.html", status=status, error=str(exc), email_value=str(form.get("email", ""))[:254])
    return _signed_in(request, user_id)


@router.post("/signout")
def signout(request: Request):
    _accounts_only(request)
    request.app.state.accounts.close_session(request.cookies.get(SESSION_COOKIE))
    response = redirect("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account")
def account(request: Request):
    _accounts_only(request)
    attempts_for(request)  # signed in?
    return page(request, "account.html")


@router.post("/account/password")
def change_password(request: Request, form: FormData = Depends(posted)):
    _accounts_only(request)
    attempts_for(request)
    try:
        request.app.state.accounts.change_password(request.state.user, str(form.get("current", "")),
                                                   str(form.get("new", "")), _client(request))
    except AccountError as exc:
        return page(request, "account.html", status=429 if isinstance(exc, TooManyAttempts) else 400, error=str(exc))
    response = redirect("/signin")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---- starting attempts


@router.get("/practice")
def practice_builder(request: Request, exam: str = "ai-103"):
    attempts_for(request)
    return page(request, "practice.html", bp=exam_of(request, exam), types=ITEM_TYPES)


@router.post("/attempts")
async def start(request: Request):
    attempts = attempts_for(request)
    form = await request.form()
    bp = exam_of(request, str(form.get("exam", "")))
    bank = request.app.state.bank
    mode = form.get("mode")
    if mode == "check":
        from certprep.learn.checks import Checks

        return redirect(f"/attempts/{Checks(attempts, bank).start(bp)}")
    if mode == "diagnostic":  # questions the learner has not seen come first
        built, feedback = diagnostic_form(bank, bp, seen=attempts.seen_items()), "end"
    elif mode == "exam":
        built, feedback = exam_form(bank, bp, int_field(form.get("questions"), "questions", None, 1, 1000),
                                    int_field(form.get("seed"), "seed", None, 0, SEED_MAX), seen=attempts.seen_items()), "end"
    elif mode == "practice":
        history = form.get("history") or "all"
        if history not in ("all", "unseen", "missed", "flagged"):
            raise UnknownChoice("history filter", history, ["all", "unseen", "missed", "flagged"])
        only = attempts.history_pool(bank, bp.code, unseen=history == "unseen", flagged=history == "flagged",
                                     missed=int_field(form.get("last"), "last", 3, 1, 100) if history == "missed" else None)
        withheld = attempts.withheld_items()
        if withheld:  # questions of an open exam are never practised with their keys meanwhile
            only = (set(bank.items) if only is None else only) - set(withheld)
        feedback = str(form.get("feedback") or "now")
        built = practice_form(bank, bp, domains=form.getlist("domain"), skills=[s for s in form.getlist("skill") if s],
                              types=form.getlist("type"), count=int_field(form.get("count"), "count", 10, 1, MAX_PRACTICE),
                              only=only, seed=int_field(form.get("seed"), "seed", None, 0, SEED_MAX))
    else:
        raise UnknownChoice("mode", mode, ["check", "diagnostic", "exam", "practice"])
    attempt_id = await database_work(request, attempts.start, built, bank, feedback=feedback)
    return redirect(f"/attempts/{attempt_id}")


# ---- taking an attempt
# Answer, flag, move and the question page are `async` and do their short database work on the
# event loop on SQLite: the work is CPU-bound Python, and measured with benchmarks/web_load.py,
# running it in the thread pool cut SQLite throughput by a quarter and doubled p99 (threads only
# add GIL hand-offs). On PostgreSQL the hot ones (page, answer, start) wait in the thread pool
# instead (http.database_work): there the waits are round trips and commits, not Python.


def _view(request: Request, attempt_id: int) -> AttemptView:
    return attempts_for(request).get(attempt_id)


def _check_goes_on(request: Request, view: AttemptView) -> AttemptView:
    """An adaptive check asks its next question (or finishes) once the current one is answered;
    also after a crash between the two."""
    current = view.current()
    if view.mode != "check" or not view.open or current is None or not current.answered:
        return view
    from certprep.learn.checks import Checks

    return Checks(attempts_for(request), request.app.state.bank).advance(view.id)


HISTORY_PAGE = 25  # attempts per page of the history: the page costs the same after a hundred


@router.get("/attempts")
def history(request: Request, before: int | None = Query(None, ge=1, le=2**31)):
    attempts = attempts_for(request)
    shown = attempts.summaries(last=HISTORY_PAGE + 1, before=before)
    # Trends plot scaled scores, which only exams and diagnostics estimate: a six-question
    # practice set would swing the line. Series are named by domain, not by id.
    scored = attempts.summaries(practice=False)
    return page(request, "history.html", attempts=list(reversed(shown[-HISTORY_PAGE:])), before=before,
                older=shown[-HISTORY_PAGE].id if len(shown) > HISTORY_PAGE else None,
                chart=[{"id": v.id, "exam": v.exam.upper(), "mode": v.mode, "score": v.result["scaled_score"],
                        "domains": {d["name"]: d["percent"] for d in v.result["domains"]}}
                       for v in scored if v.result])


@router.get("/attempts/{attempt_id}")
async def question_page(request: Request, attempt_id: int):  # `async` for the reason above
    return await database_work(request, _question_page, request, attempt_id)


def _question_page(request: Request, attempt_id: int):
    view = _check_goes_on(request, _view(request, attempt_id))
    if not view.open:
        return redirect(f"/attempts/{attempt_id}/results")
    if view.intro_due:  # a problem–solution set or a case study starts with its intro (web/attempt_extras.py)
        return redirect(f"/attempts/{attempt_id}/intro")
    q = view.current()
    # Nothing an open exam holds gets feedback here (it would give that exam's keys away).
    withheld = attempts_for(request).withheld_items(exclude=attempt_id) if view.feedback_now else {}
    remaining = view.remaining(now(request))
    return page(request, "question.html", view=view, q=q, section=view.current_section(),
                section_questions=view.section_questions(), index=view.section_questions().index(q),
                remaining=int(remaining.total_seconds()) if remaining is not None else None,
                withheld=withheld.get(q.item.id) if q else None)


@router.post("/attempts/{attempt_id}/answer")
async def answer(request: Request, attempt_id: int):
    attempts = attempts_for(request)
    form = await request.form()
    position = question_index(form)
    try:
        outcome = await database_work(request, attempts.answer_and_advance, attempt_id, position, None,
                                      confidence=form.get("confidence") or None,
                                      read=lambda body: response_from_form(body, form))
    except AttemptClosed:
        return redirect(f"/attempts/{attempt_id}/results")
    except InvalidResponse as exc:
        raise HttpError(400, f"that answer does not fit the question: {exc}") from exc
    if outcome.feedback is not None:
        return redirect(f"/attempts/{attempt_id}")  # the same question, now with its feedback
    if outcome.mode == "check":
        _check_goes_on(request, attempts.get(attempt_id))
        return redirect(f"/attempts/{attempt_id}")  # the next question, or the results
    if form.get("go") == "review" or outcome.last_in_section:
        return redirect(f"/attempts/{attempt_id}/section")
    return redirect(f"/attempts/{attempt_id}")


@router.post("/attempts/{attempt_id}/flag")
async def flag(request: Request, attempt_id: int):
    """Flag or unflag. The flag button belongs to the answer form, so a choice made but not yet
    saved comes along and is saved first (where saving is not final: practice with feedback
    now shows the key on saving, so there the choice stays unsaved; app.js keeps it on screen)."""
    attempts = attempts_for(request)
    form = await request.form()
    position = question_index(form)
    view = attempts.get(attempt_id)
    if view.open and not view.feedback_now:
        try:
            attempts.answer_and_advance(attempt_id, position, None, advance=False,
                                        confidence=form.get("confidence") or None,
                                        read=lambda body: response_from_form(body, form))
        except InvalidResponse as exc:
            raise HttpError(400, f"that answer does not fit the question: {exc}") from exc
    attempts.flag(attempt_id, position, form.get("flagged") == "1")
    return redirect(f"/attempts/{attempt_id}")


@router.post("/attempts/{attempt_id}/goto")
async def goto(request: Request, attempt_id: int):
    attempts = attempts_for(request)
    form = await request.form()
    attempts.goto(attempt_id, int_field(form.get("position"), "position", 0, 0, 10_000))
    return redirect(f"/attempts/{attempt_id}")


def _section_page(request: Request, attempt_id: int, template: str):
    """A page about the current section's questions (its review screen, or the confirmation)."""
    view = _view(request, attempt_id)
    if not view.open:
        return redirect(f"/attempts/{attempt_id}/results")
    remaining = view.remaining(now(request))
    return page(request, template, view=view, section=view.current_section(), questions=view.section_questions(),
                remaining=int(remaining.total_seconds()) if remaining is not None else None)


@router.get("/attempts/{attempt_id}/section")
def section_review(request: Request, attempt_id: int):
    return _section_page(request, attempt_id, "section.html")


@router.get("/attempts/{attempt_id}/finish-section")
def finish_section_confirm(request: Request, attempt_id: int):
    """Finishing locks the section for good, so it is confirmed first, naming what is left."""
    return _section_page(request, attempt_id, "finish_section.html")


@router.post("/attempts/{attempt_id}/finish-section")
def finish_section(request: Request, attempt_id: int, form: FormData = Depends(posted)):
    # Someone else's attempt is not found, confirmed or not; a quick check is refused below (it
    # ends by its stopping rule), so it gets no confirmation page first.
    if form.get("confirmed") != "1" and _view(request, attempt_id).mode != "check":
        return redirect(f"/attempts/{attempt_id}/finish-section")
    view = attempts_for(request).finish_section(attempt_id)
    return redirect(f"/attempts/{attempt_id}" if view.open else f"/attempts/{attempt_id}/results")




# ---- learning: review queue, study plan, item statistics


@router.get("/review")
def review_queue(request: Request):
    from certprep.bank.items import split_question_key
    from certprep.learn import review as queue

    attempts = attempts_for(request)
    bank = request.app.state.bank
    withheld = attempts.withheld_items()  # questions of an open exam wait until it is finished
    with attempts.store.session.begin() as s:
        due = [k for k in queue.due(s, attempts.user, now(request))
               if split_question_key(k)[0] in bank.items and split_question_key(k)[0] not in withheld]
        total = queue.queued(s, attempts.user)
        token = queue.token_of(s, attempts.user, due[0]) if due else None
    if not due:
        return page(request, "review_queue.html", q=None, due=0, total=total, waiting=len(set(withheld.values())))
    key = due[0]
    item_id, part = split_question_key(key)
    return page(request, "review_queue.html", q={"token": token, "item": bank.items[item_id],
                                                 "body": queue.shown(bank.items[item_id], part, key, now(request))},
                due=len(due), total=total)


@router.post("/review")
async def review_answer(request: Request):
    from certprep.bank.items import split_question_key
    from certprep.engine.scoring import normalize, points
    from certprep.learn import review as queue

    attempts = attempts_for(request)
    form = await request.form()
    with attempts.store.session.begin() as s:  # the page posts the card's token, never its key
        key = queue.key_of(s, attempts.user, str(form.get("card", ""))[:64])
    if key is None:
        raise HttpError(400, "that question is not in your review queue; open Review again")
    bank = request.app.state.bank
    item_id, part = split_question_key(key)
    if item_id not in bank.items:
        raise HttpError(400, "that question is no longer in the bank; open Review again")
    if item_id in (withheld := attempts.withheld_items()):
        raise HttpError(409, f"that question is in your open attempt {withheld[item_id]}; "
                             "review it after you finish that attempt")
    with attempts.store.session.begin() as s:
        if key not in queue.due(s, attempts.user, now(request), 1000):
            raise HttpError(400, "that question is not due for review")
    body = queue.shown(bank.items[item_id], part, key, now(request))
    try:
        response = normalize(body, response_from_form(body, form))
    except InvalidResponse as exc:
        raise HttpError(400, f"that answer does not fit the question: {exc}") from exc
    share = points(body, response) / body.max_points()
    with attempts.store.session.begin() as s:
        queue.record(s, attempts.user, key, queue.rating_for(share), now(request))
    return page(request, "review_queue.html", q=None, answered={"item": bank.items[item_id],
                "body": body, "response": response, "share": share}, due=None, total=None)


PLAN_COOKIE = "certprep_plan"  # the last plan's query (exam, date, hours), so the date is not asked twice


@router.get("/plan")
def plan_form(request: Request):
    from urllib.parse import parse_qsl

    attempts_for(request)
    saved = request.cookies.get(PLAN_COOKIE, "")[:500]
    if saved:
        try:
            bp, built = _plan(request, dict(parse_qsl(saved)))
        except (HttpError, UnknownChoice):
            pass  # an old or edited cookie: show the empty form
        else:
            return page(request, "plan.html", plan=built, bp=bp, query=saved, values=dict(parse_qsl(saved)))
    return page(request, "plan.html", plan=None, values={})


def _plan(request: Request, params) -> tuple:
    import datetime as dt

    from certprep.learn.plan import learner_plan

    attempts = attempts_for(request)
    state = request.app.state
    bp = exam_of(request, str(params.get("exam", "")))
    try:
        exam_date = dt.date.fromisoformat(str(params.get("date", "")))
        certified = dt.date.fromisoformat(str(params["certified_on"])) if params.get("certified_on") else None
        hours = float(params.get("hours") or 8)
    except ValueError:
        raise HttpError(400, "give dates as YYYY-MM-DD and hours as a number") from None
    try:
        return bp, learner_plan(state.store, attempts.user, state.bank, bp, exam_date, hours, now(request).date(),
                                certified)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from exc


@router.get("/plan/show")
def plan_show(request: Request):
    bp, built = _plan(request, request.query_params)
    response = page(request, "plan.html", plan=built, bp=bp, query=request.url.query, values=request.query_params)
    response.set_cookie(PLAN_COOKIE, request.url.query[:500], httponly=True, samesite="lax", path="/plan",
                        secure=request.app.state.settings.secure_cookies, max_age=400 * 24 * 3600)
    return response


@router.get("/plan.ics")
def plan_ics(request: Request):
    from fastapi.responses import Response

    from certprep.learn.plan import to_ics

    bp, built = _plan(request, request.query_params)
    return Response(to_ics(built, bp), media_type="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="certprep-{bp.code}-plan.ics"'})


@router.get("/authors/item-stats")
def authors_item_stats(request: Request, calibrated: int | None = None):
    from certprep.learn.data import store_item_statistics
    from certprep.learn.readiness import load_calibration

    require_author(request)
    stats = store_item_statistics(request.app.state.store, request.app.state.bank)
    return page(request, "item_stats.html", stats=sorted(stats, key=lambda s: (not s.flags, s.item_id)),
                calibrated=calibrated, n_calibrated=len(load_calibration(request.app.state.store)))


@router.post("/authors/calibrate")
def authors_calibrate(request: Request):
    from certprep.learn.data import calibrate_store

    require_author(request)
    n = calibrate_store(request.app.state.store, clock=request.app.state.settings.clock)
    return redirect(f"/authors/item-stats?calibrated={n}")
