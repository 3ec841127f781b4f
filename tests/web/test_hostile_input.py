"""No input gets a 500, and every error has the one shape (issue 12, points 3 and 4).

A table of malformed requests goes to every route the app has (enumerated from `app.routes`,
so a new route is covered the day it is added): path ids beyond 64 bits, negative and
non-numeric values, hostile query strings, oversized fields and bodies, wrong methods, unknown
routes. Every answer is below 500 and, when it is an error, is the error page, or the JSON
error shape for a client that asks for JSON.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from certprep.web.app import Settings, create_app

from ..conftest import FakeClock, fresh_database

PATH_VALUES = ["99999999999999999999999", str(2**63), "-1", "0", "abc", "1.5", "%00", "9" * 400, "1"]
QUERY = {"calibrated": "x'><script>", "feedback": "99999999999999999999999", "q": "z" * 5000, "exam": "zz",
         "date": "9999-12-31", "hours": "nan", "certified_on": "0000-00-00"}
SOUP = {"mode": "practice", "exam": "ai-102", "count": "-5", "seed": "1e308", "questions": "99999999999999999999999",
        "q": "99999999999999999999999", "position": "-1", "r": "x" * 5000, "email": "e" * 20000 + "@x.io",
        "password": "p" * 20000, "current": "c" * 20000, "new": "n" * 20000, "key": "../../etc/passwd",
        "last": "nan", "hours": "inf", "history": "missed", "feedback": "sideways", "m.1": "99", "slot.1": "-3",
        "b.999": "1", "s.1": "maybe", "confidence": "total", "flagged": "2", "type": "hotspot", "domain": "x"}
BODIES = [{}, SOUP, {**SOUP, "mode": "exam"}, {**SOUP, "count": "100000", "history": "all", "type": "single"},
          {"padding": "x" * (300 * 1024)}]
UNKNOWN = [("GET", "/nope"), ("POST", "/nope"), ("GET", "/attempts/1/nope"), ("DELETE", "/attempts/1"),
           ("PUT", "/"), ("GET", "/static/../../etc/passwd"), ("GET", "/%ff"), ("PATCH", "/review")]


@pytest.fixture(params=[False, True], ids=["local", "accounts"])
def hostile_client(request, tmp_path):
    app = create_app(Settings(database_url=fresh_database(request, "sqlite", tmp_path), accounts=request.param,
                              clock=FakeClock()))
    client = TestClient(app, raise_server_exceptions=False)
    if request.param:
        assert client.post("/signup", data={"email": "mallory@example.com", "password": "a long password"},
                           follow_redirects=False).status_code == 303
    client.post("/attempts", data={"mode": "exam", "exam": "ai-102", "seed": "1"})  # attempt 1 exists
    yield client
    app.state.store.close()


def api_routes(routes):
    """Every APIRoute, inside included routers too (FastAPI wraps those since 0.16x)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


def requests_for(app):
    routes = list(api_routes(app.routes))
    assert len(routes) >= 30
    for route in routes:
        params = re.findall(r"{(\w+)}", route.path)
        paths = [re.sub(r"{\w+}", value, route.path) for value in PATH_VALUES] if params else [route.path]
        for method in sorted(route.methods):
            for path in paths:
                if method == "GET":
                    yield "GET", path, {"params": QUERY}
                    yield "HEAD", path, {}
                else:
                    for body in BODIES:
                        yield method, path, {"data": body}
    for method, path in UNKNOWN:
        yield method, path, {}


def assert_one_error_shape(r, as_json: bool) -> None:
    assert r.status_code < 500, (r.request.method, r.request.url, r.status_code, r.text[:300])
    if r.status_code < 400 or r.request.method == "HEAD":
        return
    if as_json:
        assert r.headers["content-type"] == "application/json", (r.request.method, r.request.url, r.status_code, r.text[:300])
        body = r.json()
        assert set(body) == {"error"} and body["error"]["status"] == r.status_code and body["error"]["message"]
    else:
        assert r.headers["content-type"].startswith("text/html")
        assert '<p class="error" role="alert">' in r.text, r.text[:300]
        assert "<script>" not in r.text.split('role="alert">')[1].split("</p>")[0]  # nothing echoed raw


def test_malformed_requests_to_every_route_get_no_500_and_one_error_shape(hostile_client):
    seen = 0
    for method, path, kw in requests_for(hostile_client.app):
        for accept in ("text/html", "application/json"):
            r = hostile_client.request(method, path, headers={"accept": accept}, follow_redirects=False, **kw)
            assert_one_error_shape(r, accept == "application/json")
            seen += 1
    assert seen > 500


def test_head_answers_like_get_without_a_body(hostile_client):
    r = hostile_client.head("/")
    assert r.status_code == 200 and r.content == b"" and r.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path, params, message", [
    ("/plan.ics", {"exam": "ai-103", "date": "9999-12-31"}, "more than two years away; give a date from"),
    ("/plan/show", {"exam": "ai-103", "date": "9999-12-31"}, "more than two years away"),
    ("/plan/show", {"exam": "ai-103", "date": "2027-01-20", "hours": "nan"}, "from 1 to 80, not nan"),
    ("/plan/show", {"exam": "ai-103", "date": "2027-01-20", "hours": "inf"}, "from 1 to 80, not inf"),
    ("/plan.ics", {"exam": "ai-103", "date": "2027-01-20", "hours": "1e308"}, "from 1 to 80, not 1e+308"),
])
def test_inputs_that_size_work_are_bounded_with_the_range_in_the_400(hostile_client, path, params, message):
    r = hostile_client.get(path, params=params, headers={"accept": "application/json"})
    assert r.status_code == 400 and message in r.json()["error"]["message"]


@pytest.mark.parametrize("field, value, message", [
    ("count", "-1", "count must be a whole number from 1 to 1000"),
    ("count", "100000", "count must be a whole number from 1 to 1000"),
    ("seed", "99999999999999999999999", "seed must be a whole number from 0 to"),
])
def test_practice_counts_are_bounded(hostile_client, field, value, message):
    r = hostile_client.post("/attempts", data={"mode": "practice", "exam": "ai-102", field: value},
                            headers={"accept": "application/json"})
    assert r.status_code == 400 and message in r.json()["error"]["message"]
