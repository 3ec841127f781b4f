"""Accounts and security: argon2 and server-side sessions, cookie flags, sign-in limits, CSRF,
one user never reaching another's attempts, and Markdown from the bank sanitised."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import shutil

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from certprep.store.models import User, WebSession

from ..conftest import CONTENT, doc_examples
from .conftest import attempt_id


@pytest.fixture
def server(make_app):
    return make_app(accounts=True)


def sign_up(app, email: str, password: str = "correct horse battery") -> TestClient:
    client = TestClient(app)
    r = client.post("/signup", data={"email": email, "password": password}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def test_a_shared_server_requires_an_account(server):
    anonymous = TestClient(server)
    assert anonymous.post("/attempts", data={"mode": "diagnostic", "exam": "ai-102"}).status_code == 401
    assert anonymous.get("/attempts").status_code == 401
    assert "Sign in" in anonymous.get("/").text


def test_sign_up_stores_an_argon2_hash_and_a_server_side_session(server):
    client = TestClient(server)
    r = client.post("/signup", data={"email": "Ada@Example.com", "password": "correct horse battery"},
                    follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Path=/" in cookie
    token = cookie.split("certprep_session=")[1].split(";")[0]
    with server.state.store.session() as s:
        user = s.scalar(select(User).where(User.email == "ada@example.com"))
        assert user.password_hash.startswith("$argon2id$") and "correct horse" not in user.password_hash
        stored = s.scalars(select(WebSession.token_hash)).all()
        assert token not in stored and len(stored) == 1  # only its hash is kept
    assert "ada@example.com" in client.get("/").text


def test_sign_in_out_and_change_password(server):
    sign_up(server, "bo@example.com")
    client = TestClient(server)
    bad = client.post("/signin", data={"email": "bo@example.com", "password": "wrong password!"})
    assert bad.status_code == 400 and "wrong email or password" in bad.text
    ok = client.post("/signin", data={"email": "bo@example.com", "password": "correct horse battery"},
                     follow_redirects=False)
    assert ok.status_code == 303
    assert client.post("/account/password", data={"current": "correct horse battery", "new": "short"}).status_code == 400
    changed = client.post("/account/password", data={"current": "correct horse battery",
                                                     "new": "a much longer secret"}, follow_redirects=False)
    assert changed.status_code == 303
    assert client.get("/attempts").status_code == 401  # every session of the user was closed
    again = TestClient(server).post("/signin", data={"email": "bo@example.com", "password": "a much longer secret"},
                                    follow_redirects=False)
    assert again.status_code == 303


def test_sign_in_attempts_are_rate_limited(server):
    sign_up(server, "cy@example.com")
    client = TestClient(server)
    for _ in range(5):
        assert client.post("/signin", data={"email": "cy@example.com", "password": "nope nope nope"}).status_code == 400
    blocked = client.post("/signin", data={"email": "cy@example.com", "password": "correct horse battery"})
    assert blocked.status_code == 429 and "too many failed sign-ins" in blocked.text


def test_parallel_guesses_cannot_pass_the_limit(server):
    """Each guess counts before its (slow) password check, so guesses sent at once are limited too."""
    sign_up(server, "ed@example.com")

    def guess(_):
        return TestClient(server).post("/signin", data={"email": "ed@example.com",
                                                        "password": "wrong guess here"}).status_code
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(guess, range(12)))
    assert codes.count(400) == 5 and codes.count(429) == 7


def test_cross_site_posts_are_refused(server):
    client = sign_up(server, "di@example.com")
    for headers in ({"sec-fetch-site": "cross-site"}, {"origin": "https://evil.example"}):
        r = client.post("/attempts", data={"mode": "diagnostic", "exam": "ai-102"}, headers=headers)
        assert r.status_code == 403 and "CSRF" in r.text
    same = client.post("/attempts", data={"mode": "diagnostic", "exam": "ai-102"},
                       headers={"sec-fetch-site": "same-origin", "origin": "http://testserver"}, follow_redirects=False)
    assert same.status_code == 303


def test_one_user_never_reads_or_changes_anothers_attempt(server):
    alice, bob = sign_up(server, "alice@example.com"), sign_up(server, "bob@example.com")
    aid = attempt_id(alice.post("/attempts", data={"mode": "diagnostic", "exam": "ai-102"}, follow_redirects=False))
    page = alice.get(f"/attempts/{aid}")
    key = page.text.split('name="q" value="')[1].split('"')[0]
    for method, path, data in (("get", f"/attempts/{aid}", None), ("get", f"/attempts/{aid}/section", None),
                               ("get", f"/attempts/{aid}/results", None), ("get", f"/attempts/{aid}/review", None),
                               ("post", f"/attempts/{aid}/answer", {"q": key, "r": "1"}),
                               ("post", f"/attempts/{aid}/flag", {"q": key, "flagged": "1"}),
                               ("post", f"/attempts/{aid}/finish-section", {})):
        r = getattr(bob, method)(path, **({"data": data} if data is not None else {}))
        assert r.status_code == 404, (method, path, r.status_code)
    assert "No attempts yet" in bob.get("/attempts").text
    assert "Unanswered" in alice.get(f"/attempts/{aid}/section").text  # Bob changed nothing


def test_markdown_from_the_bank_is_sanitised(make_app, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT / "exams", content / "exams")
    shutil.copy(CONTENT / "services.yaml", content / "services.yaml")
    (content / "items").mkdir()
    item = yaml.safe_load(doc_examples()[0])
    item["stem"] = "Pick one. <script>alert('x')</script> [link](javascript:alert(1)) <img src=x onerror=alert(1)>"
    (content / "items" / "evil.yaml").write_text(yaml.safe_dump(item))
    client = TestClient(make_app(content=content))
    aid = attempt_id(client.post("/attempts", data={"mode": "practice", "exam": "ai-102", "count": "1"},
                                 follow_redirects=False))
    page = client.get(f"/attempts/{aid}").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="javascript:' not in page and "<img" not in page  # shown as text, never live


def test_security_headers_on_every_page(client):
    r = client.get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"


def test_a_local_server_needs_no_account(client):
    r = client.post("/attempts", data={"mode": "diagnostic", "exam": "ai-103"}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/signin").status_code == 404
