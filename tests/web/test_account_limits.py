"""Accounts under attack (issue 12, point 5): sign-in time does not tell which emails have an
account; limits count per account and address with a doubling wait, so an attacker cannot lock
a learner out from another address; sign-up's "this email has an account" and password changes
are limited too; forwarded headers count only with `serve --proxy-headers`; cookies are
Secure over HTTPS."""

from __future__ import annotations

import statistics
import time

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from benchmarks.web_load import free_port

from .servers import serve


PASSWORD = "correct horse battery"


@pytest.fixture
def server(make_app):
    return make_app(accounts=True)


def at(app, address: str, **kw) -> TestClient:
    return TestClient(app, client=(address, 50000), **kw)


def sign_up(app, email: str, address: str = "10.0.0.1") -> TestClient:
    client = at(app, address)
    assert client.post("/signup", data={"email": email, "password": PASSWORD}, follow_redirects=False).status_code == 303
    return client


def sign_in(client: TestClient, email: str, password: str):
    return client.post("/signin", data={"email": email, "password": password}, follow_redirects=False)


def test_an_unknown_email_takes_as_long_to_refuse_as_a_wrong_password(server):
    sign_up(server, "known@example.com")
    times: dict[str, list[float]] = {"known@example.com": [], "nobody@example.com": []}
    for n in range(4):
        for email, spent in times.items():
            client = at(server, f"10.1.{n}.{len(spent)}")
            start = time.perf_counter()
            assert sign_in(client, email, "not the password").status_code == 400
            spent.append(time.perf_counter() - start)
    known, unknown = (statistics.median(v) for v in times.values())
    assert unknown > 0.5 * known, f"unknown email refused in {unknown * 1000:.0f} ms, a wrong password in {known * 1000:.0f} ms"


def test_guesses_from_one_address_never_lock_the_owner_out_elsewhere(server, clock):
    sign_up(server, "owner@example.com")
    attacker = at(server, "203.0.113.66")
    for _ in range(5):
        assert sign_in(attacker, "owner@example.com", "guess guess guess").status_code == 400
    blocked = sign_in(attacker, "owner@example.com", PASSWORD)
    assert blocked.status_code == 429 and "try again in 15 minutes" in blocked.text
    assert sign_in(at(server, "198.51.100.7"), "owner@example.com", PASSWORD).status_code == 303  # the owner

    clock.advance(minutes=16)  # the wait is over; one more wrong guess doubles it
    assert sign_in(attacker, "owner@example.com", "guess again").status_code == 400
    again = sign_in(attacker, "owner@example.com", PASSWORD)
    assert again.status_code == 429 and "try again in 30 minutes" in again.text


def test_one_address_guessing_many_accounts_is_limited(server):
    spray = at(server, "203.0.113.9")
    for n in range(20):
        assert sign_in(spray, f"user{n}@example.com", "password123").status_code == 400
    assert sign_in(spray, "user99@example.com", "password123").status_code == 429


def test_sign_up_says_an_email_is_taken_only_a_few_times_per_address(server):
    sign_up(server, "taken@example.com")
    prober = at(server, "203.0.113.5")
    for _ in range(5):
        r = prober.post("/signup", data={"email": "taken@example.com", "password": PASSWORD})
        assert r.status_code == 400 and "exists" in r.text
    r = prober.post("/signup", data={"email": "someone.else@example.com", "password": PASSWORD})
    assert r.status_code == 429 and "exists" not in r.text
    sign_up(server, "new@example.com", address="198.51.100.8")  # other addresses sign up as before


def test_changing_the_password_is_limited_like_sign_in(server):
    client = sign_up(server, "holder@example.com", address="203.0.113.20")
    for _ in range(5):
        r = client.post("/account/password", data={"current": "wrong wrong wrong", "new": "a brand new password"})
        assert r.status_code == 400 and "current password is wrong" in r.text
    r = client.post("/account/password", data={"current": PASSWORD, "new": "a brand new password"})
    assert r.status_code == 429


def test_session_cookies_are_secure_over_https(make_app):
    from certprep.web.app import Settings, create_app

    auto = make_app(accounts=True)
    over_https = at(auto, "10.0.0.2", base_url="https://testserver").post(
        "/signup", data={"email": "s@example.com", "password": PASSWORD}, follow_redirects=False)
    assert "; secure" in over_https.headers["set-cookie"].lower()
    plain = at(auto, "10.0.0.3").post("/signup", data={"email": "p@example.com", "password": PASSWORD},
                                      follow_redirects=False)
    assert "; secure" not in plain.headers["set-cookie"].lower()
    forced = create_app(Settings(database_url=auto.state.store.url, accounts=True, secure_cookies=True))
    try:
        r = at(forced, "10.0.0.4").post("/signup", data={"email": "f@example.com", "password": PASSWORD},
                                        follow_redirects=False)
        assert "; secure" in r.headers["set-cookie"].lower()
    finally:
        forced.state.store.close()



@pytest.mark.parametrize("flags, trusted", [((), False), (("--proxy-headers",), True)])
def test_forwarded_headers_count_only_with_proxy_headers(tmp_path, flags, trusted):
    port = free_port()
    server = serve(f"sqlite:///{tmp_path / 'proxy.db'}", port, "--accounts", *flags)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as web:
            created = web.post("/signup", data={"email": "p@example.com", "password": PASSWORD},
                               headers={"x-forwarded-proto": "https"})
            assert ("; secure" in created.headers["set-cookie"].lower()) is trusted
            # one client spraying guesses at many accounts, claiming a new address each time
            codes = [web.post("/signin", data={"email": f"u{n}@example.com", "password": "guess guess"},
                              headers={"x-forwarded-for": f"192.0.2.{n}"}).status_code for n in range(21)]
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert codes == ([400] * 21 if trusted else [400] * 20 + [429])
