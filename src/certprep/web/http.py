"""What the app and its routers share (kept apart from app.py, which includes the routers, so
the imports run one way): the error type and the one error shape, the session cookie, the
signed-in learner's attempts, pages, redirects and the app's clock."""

from __future__ import annotations

import datetime as dt

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse

from certprep.engine.attempts import Attempts
from certprep.errors import UnknownChoice
from certprep.learn import review

SESSION_COOKIE = "certprep_session"


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message
        super().__init__(message)


def error_response(request: Request, status: int, message: str, headers: dict | None = None):
    """One error shape: JSON `{"error": {"status", "message"}}` for clients that ask for JSON,
    otherwise the error page."""
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message,
                                                              "user": getattr(request.state, "user", None),
                                                              "accounts": request.app.state.settings.accounts},
                                      status_code=status, headers=headers)


def page(request: Request, name: str, status: int = 200, **context):
    """A page; an error re-renders its form (nothing typed is lost) with the error page's alert,
    or, for a client that asks for JSON, answers the one JSON error shape."""
    if status >= 400 and "application/json" in request.headers.get("accept", ""):
        return error_response(request, status, str(context.get("error", "the request was refused")))
    state = request.app.state
    user = request.state.user
    context.setdefault("email", request.state.email)
    return state.templates.TemplateResponse(
        request, name, {"user": user, "accounts": state.settings.accounts, "exams": state.exams, **context},
        status_code=status)


def exam_of(request: Request, code: str):
    exams = request.app.state.exams
    if code.lower() not in exams:
        raise UnknownChoice("exam", code, sorted(exams))
    return exams[code.lower()]


async def database_work(request: Request, work, *args, **kw):
    """Run short database work from an `async` handler. SQLite's is CPU-bound Python in-process:
    on the event loop it is cheapest (measured, benchmarks/web_load.py). PostgreSQL's waits on
    another process and on each commit's fsync: in the thread pool, so the loop serves other
    requests meanwhile instead of stalling a whole worker on every round trip."""
    if request.app.state.store.engine.dialect.name == "sqlite":
        return work(*args, **kw)
    return await run_in_threadpool(work, *args, **kw)


def int_field(value, name: str, default: int | None = None, lo: int = -(2**63), hi: int = 2**63 - 1) -> int | None:
    """A whole number from a form or query, within [lo, hi] (the 400 says the range)."""
    if value in (None, ""):
        return default
    text = str(value).strip()
    if not (text.lstrip("-").isdigit() and len(text) <= 20 and lo <= int(text) <= hi):
        raise HttpError(400, f"{name} must be a whole number from {lo} to {hi}")
    return int(text)


def question_index(form, name: str = "q") -> int:
    """The 0-based position of the question a form or URL names by its number in the attempt
    (never by item id: ids are bank ids, and they hint at the answer)."""
    n = int_field(form.get(name), name, None, 1, 10_000)
    if n is None:
        raise HttpError(400, f"{name} must be the question's number in the attempt")
    return n - 1


def attempts_for(request: Request) -> Attempts:
    user = request.state.user
    if user is None:
        raise HttpError(401, "sign in first")
    return Attempts(request.app.state.store, request.app.state.exams, user=user, clock=request.app.state.settings.clock,
                    on_finish=review.queue_mistakes)


def require_author(request: Request) -> None:
    """Author pages show every learner's answers: 401 signed out, 403 for learners."""
    attempts_for(request)
    if request.state.role != "author":
        raise HttpError(403, "only authors can open this page; an author can grant the role with "
                             "`certprep users grant-author EMAIL`")


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def now(request: Request) -> dt.datetime:
    return request.app.state.settings.clock()
