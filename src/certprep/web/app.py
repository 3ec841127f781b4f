"""The FastAPI application: pages over the core. No state lives in process memory that another
process would need: attempts, sessions and sign-in limits are in the database; the bank and
blueprints are read-only content loaded at start.

Security rules kept here:
- CSRF: a state-changing request from a browser must be same-origin (`Sec-Fetch-Site`, or
  `Origin` for older browsers); requests without either header are not from a browser page.
- Sessions: HttpOnly, SameSite=Lax cookie with a random token; the server keeps its hash.
- Keys and explanations are rendered only for questions already answered (practice with
  feedback now) or attempts already finished.
- No bank id reaches the browser during an attempt: choices travel as shown positions
  (web/answer_form.py), questions as their number in the attempt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from certprep.accounts import Accounts
from certprep.bank.loader import content_root, load_bank, load_exams
from certprep.engine.attempts import Clock, utcnow
from certprep.errors import AttemptError, BankError, CertprepError, FormError, UnknownChoice
from certprep.store.db import Store
from certprep import markup
from certprep.web.http import SESSION_COOKIE, HttpError, database_work, error_response

HERE = Path(__file__).parent
LOCAL_USER = "local"


log = logging.getLogger("certprep.web")


@dataclass
class Settings:
    database_url: str | None = None
    content: Path | None = None
    accounts: bool = False  # False: one person on their own machine, no sign-in
    secure_cookies: bool | None = None  # None: Secure when the request came over HTTPS (see `serve`)
    clock: Clock = utcnow


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    content = settings.content or content_root()
    exams = load_exams(content)
    bank = load_bank(content / "items")
    if bank.problems:
        raise BankError("the bank has errors; run `certprep lint`", bank.problems)
    store = Store(settings.database_url)

    app = FastAPI(title="certprep", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings, app.state.exams, app.state.bank, app.state.store = settings, exams, bank, store
    app.state.content = content
    app.state.accounts = Accounts(store, settings.clock)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    # The bank's texts are few and fixed while the app runs: each is rendered once, not on every
    # page that shows it (Markdown was a third of a question page). Bounded, as is everything.
    templates.env.filters["md"] = lru_cache(maxsize=8192)(markup.markdown)
    templates.env.filters["inline"] = lru_cache(maxsize=8192)(markup.inline)
    templates.env.filters["plain"] = lru_cache(maxsize=8192)(markup.plain)
    templates.env.filters["literal"] = markup.literal
    templates.env.filters["summary"] = markup.summary
    templates.env.globals["blank_labels"] = markup.blank_labels
    templates.env.filters["numbered_blanks"] = markup.numbered_blanks
    templates.env.globals["template_with_selects"] = markup.template_with_selects
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():  # browsers ask for it at the root whatever the page links
        from fastapi.responses import FileResponse

        return FileResponse(HERE / "static" / "favicon.ico", media_type="image/x-icon",
                            headers={"cache-control": "public, max-age=86400"})
    app.add_middleware(SecurityMiddleware)

    @app.exception_handler(HttpError)
    async def http_error(request: Request, exc: HttpError):
        return error_response(request, exc.status, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def starlette_error(request: Request, exc: StarletteHTTPException):
        """Unknown routes, wrong methods, forms over the parser's limits: the one error shape."""
        messages = {404: "there is no such page", 405: f"this page does not take {request.method} requests"}
        message = messages.get(exc.status_code) or (str(exc.detail) if exc.status_code < 500 else "server error")
        return error_response(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        """A malformed path or query value: name the field and what it must be, never echo the input."""
        first = exc.errors()[0] if exc.errors() else {}
        where, name = (list(first.get("loc", ())) + ["request", "value"])[:2]
        if where == "path":
            return error_response(request, 404, "there is no such page")
        return error_response(request, 400, f"{name}: {str(first.get('msg', 'not valid')).lower()}")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("%s %s failed", request.method, request.url.path)
        return error_response(request, 500, "something went wrong on the server; what you saved before is safe")

    @app.exception_handler(CertprepError)
    async def core_error(request: Request, exc: CertprepError):
        status = 404 if isinstance(exc, UnknownChoice) and exc.what == "attempt" else 400
        if isinstance(exc, (AttemptError, FormError, UnknownChoice)):
            return error_response(request, status, str(exc))
        return error_response(request, 500, str(exc))

    from sqlalchemy.exc import OperationalError

    @app.exception_handler(OperationalError)
    async def database_busy(request: Request, exc: OperationalError):
        log.warning("%s %s: database unavailable: %s", request.method, request.url.path, exc.orig)
        return error_response(request, 503, "the database is busy right now; your answers so far are saved, "
                                            "please try again in a moment")

    from certprep.web import attempt_extras, results, routes

    app.include_router(routes.router)
    app.include_router(results.router)
    app.include_router(attempt_extras.router)
    return app


def app_from_env() -> FastAPI:
    """The app as `certprep serve` (and each of its worker processes) builds it."""
    import os

    if os.environ.get("CERTPREP_SUPERVISED") == "1":  # a worker of `serve --workers N`
        from certprep.web.watchdog import exit_with_parent

        exit_with_parent()

    return create_app(Settings(
        database_url=os.environ.get("CERTPREP_DATABASE_URL"),
        content=Path(os.environ["CERTPREP_CONTENT"]) if os.environ.get("CERTPREP_CONTENT") else None,
        accounts=os.environ.get("CERTPREP_ACCOUNTS") == "1",
        secure_cookies={"1": True, "0": False}.get(os.environ.get("CERTPREP_SECURE_COOKIES", ""))))


class SecurityMiddleware:
    """CSRF check, the signed-in user, and security headers, as plain ASGI (Starlette's
    BaseHTTPMiddleware costs a task and a stream copy per request)."""

    HEADERS = {
        b"x-content-type-options": b"nosniff",
        b"referrer-policy": b"same-origin",
        b"x-frame-options": b"DENY",
        b"content-security-policy": b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                    b"script-src 'self'; frame-ancestors 'none'",
    }

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:  # every page answers HEAD as its GET, without the body
            scope = {**scope, "method": "GET"}
        receive = _capped(receive, scope)
        request = Request(scope, receive)
        state = request.app.state
        if state.settings.accounts:
            request.state.user, request.state.email, request.state.role = (
                await database_work(request, state.accounts.session_of, request.cookies.get(SESSION_COOKIE))
                or (None, None, None))
        else:  # one person on their own machine: the author of their own bank
            request.state.user, request.state.email, request.state.role = LOCAL_USER, None, "author"
        if request.method not in ("GET", "HEAD", "OPTIONS") and not same_origin(request):
            await error_response(request, 403, "cross-site request refused (CSRF protection)")(scope, receive, send)
            return
        no_store = scope["path"].startswith("/attempts")

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.HEADERS.items() if k not in present]
                if no_store and b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)


MAX_BODY = 256 * 1024  # the largest form the app takes (an answer, a sign-in) is a few kilobytes


def _capped(receive, scope):
    """Refuse request bodies over MAX_BODY (413), by Content-Length or as they stream in."""
    length = dict(scope.get("headers", [])).get(b"content-length", b"0")
    declared = int(length) if length.isdigit() and len(length) < 19 else MAX_BODY + 1
    seen = 0

    async def wrapped():
        nonlocal seen
        if declared > MAX_BODY:
            raise HttpError(413, f"the request is larger than {MAX_BODY // 1024} KiB")
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > MAX_BODY:
            raise HttpError(413, f"the request is larger than {MAX_BODY // 1024} KiB")
        return message
    return wrapped


def same_origin(request: Request) -> bool:
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is not None:
        return urlsplit(origin).netloc == request.headers.get("host")
    return True  # no browser sent this (curl, scripts): no ambient cookies to abuse


__all__ = ["create_app", "Settings", "HTMLResponse"]
