"""The app that benchmarks/web_load.py serves: certprep's own web app, built exactly as
`certprep serve` builds it, plus one benchmark-only endpoint that does a single insert through the
same stack (middleware, session lookup, database). That endpoint is the ceiling the answer path is
compared with; it lives here so that the product's routes hold only the product."""

from __future__ import annotations

import secrets

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from certprep.store.models import WebSession
from certprep.web.app import app_from_env


def create() -> FastAPI:
    app = app_from_env()

    @app.post("/_bench/insert")
    def bench_insert(request: Request) -> PlainTextResponse:
        at = request.app.state.settings.clock()
        with request.app.state.store.session.begin() as s:
            s.add(WebSession(token_hash=secrets.token_hex(32), user_id="bench", created_at=at, expires_at=at))
        return PlainTextResponse("ok")

    return app
