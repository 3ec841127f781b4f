"""Web load against `certprep serve`'s app with accounts, on SQLite or a throwaway PostgreSQL cluster.

Two modes, and a growth table:

- closed loop (default): N learners (200) each take a 50-question exam as fast as they can, no
  think time: a saturation test. Times every answer (POST …/answer) and, separately, a bare
  endpoint of the same app that does one insert into the same database (the ceiling); prints both
  and their ratio. Goal: answers at >= 30 % of the ceiling.
- open loop (`--open-loop --learners 2000 --think 30 --duration 180`): each learner signs up
  (before timing), starts an exam and loops: GET the question page, think (exponential, mean
  --think seconds), POST the answer. Learners start spread over the first --think seconds.
  Reports p50/p95/p99 per request kind, errors and the achieved request rate. Goals: p99 < 250 ms
  for pages and answers, zero errors.
- growth (`--growth`): p50 of the home, history and results pages for one learner with 1, 10 and
  100 finished attempts. Goal: flat within 2x.

The load generator runs on the same machine as the server (same cores): the output says so.

    .venv/bin/python benchmarks/web_load.py [--db sqlite|postgresql] [--learners 200] [--workers 2]
    .venv/bin/python benchmarks/web_load.py --open-loop --learners 2000 --think 30 --duration 180 [--format json]
    .venv/bin/python benchmarks/web_load.py --growth
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx2 as httpx

from certprep.web.http import SESSION_COOKIE

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def client(url: str, **kw) -> httpx.AsyncClient:
    # verify=False: plain HTTP on loopback, and it spares each client loading the CA bundle (77 ms).
    # Idle connections are dropped after 2 s, well before uvicorn's 5 s keep-alive closes them: a
    # request sent on a connection the server is closing fails (ReadError), where a browser retries.
    kw.setdefault("limits", httpx.Limits(keepalive_expiry=2))
    return httpx.AsyncClient(base_url=url, timeout=120, follow_redirects=False, verify=False, **kw)


def fill(page: str) -> dict:
    """A browser-like answer for whatever question the page shows, read from the form alone:
    hidden fields as they are, the first choice of every radio group, the first N boxes of a
    "Choose N", and a different option in each slot of a build list."""
    form = re.search(r'<form method="post" action="[^"]*/answer"[^>]*>(.*?)</form>', page, re.S).group(1)
    data: dict[str, object] = {}
    for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form):
        data[name] = html.unescape(value)
    for name, value in re.findall(r'type="radio" name="([^"]+)" value="([^"]+)"', form):
        if name != "confidence":
            data.setdefault(name, html.unescape(value))
    boxes = re.findall(r'type="checkbox" name="([^"]+)" value="([^"]+)"', form)
    if boxes:
        choose = int(re.search(r"Choose (\d+)\.", form).group(1))
        data[boxes[0][0]] = [html.unescape(v) for _, v in boxes[:choose]]
    for n, (name, options) in enumerate(re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S)):
        values = [html.unescape(v) for v in re.findall(r'<option value="([^"]*)"', options) if v]
        if values:
            data[name] = values[n % len(values)]  # build-list slots take different steps
    return data


def action(page: str, ending: str) -> str | None:
    """The URL of a form's action, or of a link, ending in `ending` (the section review links to
    the page that confirms finishing)."""
    found = re.search(rf'(?:action|href)="(/attempts/[^"]+/{ending})"', page)
    return found.group(1) if found else None


def wants_finish(page: str) -> bool:
    return action(page, "answer") is None and action(page, "finish-section") is not None


FINISH = {"confirmed": "1"}  # what the confirmation page posts


async def sign_up(c: httpx.AsyncClient, n: int) -> None:
    r = await c.post("/signup", data={"email": f"learner{n}@bench.example", "password": PASSWORD})
    if r.status_code != 303:
        raise RuntimeError(f"learner {n} could not sign up: {r.status_code} {r.text[:300]}")


def enrol(database_url: str, learners: int) -> list[str]:
    """Accounts and signed-in sessions for `learners` learners, made through the core before the
    server starts (set-up, not measured): one argon2 hash serves them all, since they share a
    password, where signing 2,000 learners up over HTTP would spend minutes in argon2."""
    import datetime as dt
    import uuid

    from argon2 import PasswordHasher

    from certprep.accounts import Accounts
    from certprep.store.db import Store
    from certprep.store.models import User

    store = Store(database_url)
    accounts = Accounts(store)
    password_hash = PasswordHasher().hash(PASSWORD)
    ids = [uuid.uuid4().hex for _ in range(learners)]
    with store.session.begin() as s:
        s.add_all(User(id=user_id, email=f"learner{n}@bench.example", password_hash=password_hash,
                       created_at=dt.datetime.now(dt.UTC)) for n, user_id in enumerate(ids))
    tokens = [accounts.open_session(user_id) for user_id in ids]
    store.close()
    return tokens


async def start_exam(c: httpx.AsyncClient, n: int, exam: str = "ai-102", mode: str = "exam", **extra) -> str:
    r = await c.post("/attempts", data={"mode": mode, "exam": exam, "seed": str(n), **extra})
    if r.status_code != 303:
        raise RuntimeError(f"learner {n} could not start an attempt: {r.status_code} {r.text[:300]}")
    return r.headers["location"]


async def bounded(coros, limit: int) -> list:
    gate = asyncio.Semaphore(limit)

    async def one(coro):
        async with gate:
            return await coro

    return await asyncio.gather(*(one(c) for c in coros))


def quantiles(latencies: list[float]) -> dict[str, float]:
    if len(latencies) < 2:
        return {"p50": None, "p95": None, "p99": None, "count": len(latencies)}
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50": round(q[49] * 1000, 1), "p95": round(q[94] * 1000, 1), "p99": round(q[98] * 1000, 1),
            "count": len(latencies)}


def line(name: str, latencies: list[float], seconds: float) -> float:
    q = quantiles(latencies)
    rate = len(latencies) / seconds
    print(f"{name:<26} {len(latencies):>6} requests  {rate:8.1f}/s   p50 {q['p50']:7.1f} ms"
          f"   p95 {q['p95']:7.1f} ms   p99 {q['p99']:7.1f} ms")
    return rate


# ---- closed loop: as fast as possible


async def answer_all(c: httpx.AsyncClient, location: str, latencies: list[float], errors: list[str]) -> None:
    """Answer every question as fast as possible: load the page, post the answer, finish sections.
    A page that fails (a 503 when the database is busy, say) is an error, and that learner stops."""
    async def load(location: str) -> str | None:
        r = await c.get(location)
        if r.status_code != 200:
            errors.append(f"page {r.status_code}: {r.text[:200]}")
            return None
        return r.text

    page = await load(location)
    while page is not None and "/results" not in location:
        if wants_finish(page):
            r = await c.post(action(page, "finish-section"), data=FINISH)
        else:
            start = time.perf_counter()
            r = await c.post(action(page, "answer"), data=fill(page))
            latencies.append(time.perf_counter() - start)
        if r.status_code != 303:
            errors.append(f"{r.status_code}: {r.text[:200]}")
            return
        location = r.headers["location"]
        page = await load(location)


async def ceiling(url: str, requests: int, concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    left = [requests]

    async def worker(c):
        while left[0] > 0:
            left[0] -= 1
            start = time.perf_counter()
            r = await c.post("/_bench/insert")
            latencies.append(time.perf_counter() - start)
            assert r.status_code == 200, r.text

    async with client(url, limits=httpx.Limits(max_connections=concurrency)) as c:
        start = time.perf_counter()
        await asyncio.gather(*(worker(c) for _ in range(concurrency)))
        return latencies, time.perf_counter() - start


async def closed_loop(url: str, tokens: list[str]) -> dict:
    learners = len(tokens)
    latencies: list[float] = []
    errors: list[str] = []
    clients = [client(url, cookies={SESSION_COOKIE: token}) for token in tokens]
    locations = await bounded((start_exam(c, i) for i, c in enumerate(clients)), 16)
    start = time.perf_counter()
    await asyncio.gather(*(answer_all(c, loc, latencies, errors) for c, loc in zip(clients, locations)))
    elapsed = time.perf_counter() - start
    for c in clients:
        await c.aclose()
    if errors:
        print(f"{len(errors)} learners stopped on an error, e.g. {errors[0]}")
    answers_rate = line("answer submissions", latencies, elapsed)
    ceil_latencies, ceil_seconds = await ceiling(url, len(latencies), learners)
    ceiling_rate = line("ceiling (one insert)", ceil_latencies, ceil_seconds)
    ratio = answers_rate / ceiling_rate
    print(f"answers / ceiling: {ratio:.0%}   (goal >= 30 %)")
    return {"learners": learners, "answer": quantiles(latencies), "answers_per_s": round(answers_rate, 1),
            "ceiling_per_s": round(ceiling_rate, 1), "ratio": round(ratio, 3), "errors": len(errors)}


# ---- open loop: learners who think


async def open_loop(url: str, tokens: list[str], think: float, duration: float, seed: int = 1) -> dict:
    learners = len(tokens)
    rng = random.Random(seed)
    kinds: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    clients = [client(url, cookies={SESSION_COOKIE: token}) for token in tokens]
    began = time.perf_counter()
    deadline = began + duration
    ramped = began + think  # every learner has started: the steady state
    steady: dict[str, list[float]] = defaultdict(list)

    async def timed(kind: str, request) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            r = await request
        except httpx.HTTPError as exc:
            errors.append(f"{kind}: {type(exc).__name__}")
            return None
        kinds[kind].append(time.perf_counter() - start)
        if start >= ramped:
            steady[kind].append(time.perf_counter() - start)
        if r.status_code >= 400:
            errors.append(f"{kind}: {r.status_code} {r.text[:160]}")
            return None
        return r

    async def learner(n: int, c: httpx.AsyncClient) -> None:
        await asyncio.sleep(rng.uniform(0, think))
        r = await timed("start", c.post("/attempts", data={"mode": "exam", "exam": "ai-102", "seed": str(n)}))
        location = r.headers["location"] if r is not None else None
        while location and time.perf_counter() < deadline:
            kind = "results" if "/results" in location else "page"
            r = await timed(kind, c.get(location))
            if r is None or kind == "results":
                return
            page = r.text
            if wants_finish(page):
                r = await timed("finish", c.post(action(page, "finish-section"), data=FINISH))
            else:
                await asyncio.sleep(min(rng.expovariate(1 / think), max(deadline - time.perf_counter(), 0)))
                if time.perf_counter() >= deadline:
                    return
                r = await timed("answer", c.post(action(page, "answer"), data=fill(page)))
            location = r.headers.get("location") if r is not None else None

    await asyncio.gather(*(learner(i, c) for i, c in enumerate(clients)))
    elapsed = time.perf_counter() - began
    for c in clients:
        await c.aclose()
    requests = sum(len(v) for v in kinds.values())
    for kind in ("start", "page", "answer", "finish", "results"):
        if len(kinds[kind]) >= 2:
            line(kind, kinds[kind], elapsed)
    for kind in ("page", "answer"):  # the ramp (2,000 exam starts in --think seconds) apart
        if len(steady[kind]) >= 2:
            line(f"{kind}, after the ramp", steady[kind], elapsed - think)
    print(f"{requests} requests in {elapsed:.0f} s = {requests / elapsed:.1f}/s; errors: {len(errors)}"
          + (f", e.g. {errors[0]}" if errors else ""))
    print("goals: page and answer p99 < 250 ms, zero errors")
    return {"learners": learners, "think_s": think, "duration_s": round(elapsed, 1),
            **{kind: quantiles(kinds[kind]) for kind in ("page", "answer", "results", "start", "finish")},
            "after_ramp": {kind: quantiles(steady[kind]) for kind in ("page", "answer")},
            "errors": len(errors), "error_samples": errors[:5], "rate": round(requests / elapsed, 1)}


# ---- growth: pages as a learner's history grows


async def finish_practice(c: httpx.AsyncClient, n: int) -> str:
    location = await start_exam(c, n, mode="practice", count="3", feedback="end")
    page = (await c.get(location)).text
    while "/results" not in location:
        url = action(page, "finish-section") if wants_finish(page) else action(page, "answer")
        r = await c.post(url, data=FINISH if wants_finish(page) else fill(page))
        if r.status_code != 303:
            raise RuntimeError(f"practice {n}: {r.status_code} {r.text[:300]}")
        location = r.headers["location"]
        page = (await c.get(location)).text
    return location


async def growth(url: str, samples: int = 40) -> dict:
    table = {}
    async with client(url) as c:
        await sign_up(c, 0)
        done, last = 0, ""
        for target in (1, 10, 100):
            while done < target:
                last = await finish_practice(c, done)
                done += 1
            row = {}
            for name, path in (("home", "/"), ("history", "/attempts"), ("results", last)):
                times = []
                for _ in range(samples):
                    start = time.perf_counter()
                    r = await c.get(path)
                    times.append(time.perf_counter() - start)
                    assert r.status_code == 200, (path, r.status_code)
                row[name] = round(statistics.median(times) * 1000, 1)
            table[target] = row
    print("p50 (ms) by finished attempts:   " + "   ".join(f"{n:>4}" for n in table))
    for name in ("home", "history", "results"):
        print(f"  {name:<30} " + "   ".join(f"{table[n][name]:>4}" for n in table))
    worst = max(table[100][k] / table[1][k] for k in table[1])
    print(f"largest growth from 1 to 100 attempts: {worst:.2f}x (goal: within 2x)")
    return {"growth_p50_ms": table, "growth_max_ratio": round(worst, 2)}


# ---- the server


def serve(db: str, workers: int, learners: int):
    """Start the app (benchmarks/bench_app.py: certprep's app plus the ceiling endpoint) as
    `certprep serve` would, with `learners` signed-in learners; return (base URL, their session
    tokens, stop function)."""
    cluster = None
    tmp = tempfile.mkdtemp()
    if db == "postgresql":
        from tests.pgcluster import Cluster

        cluster = Cluster().start()
        _, url = cluster.create_database()
    else:
        url = f"sqlite:///{tmp}/bench.db"
    env = {**os.environ, "CERTPREP_DATABASE_URL": url, "CERTPREP_ACCOUNTS": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    tokens = enrol(url, learners)  # also migrates, before the workers start, as `certprep serve` does
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "benchmarks.bench_app:create", "--factory",
                               "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)

    def stop() -> None:
        server.terminate()
        server.wait(timeout=30)
        if cluster:
            cluster.stop()

    return base, tokens, stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--learners", type=int, default=None, help="200 closed loop, 2000 open loop")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--open-loop", action="store_true", help="learners who think between answers")
    parser.add_argument("--think", type=float, default=30.0, help="mean think time, seconds (open loop)")
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load (open loop)")
    parser.add_argument("--growth", action="store_true", help="only the growth table")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args()
    learners = args.learners or (2000 if args.open_loop else 200)
    base, tokens, stop = serve(args.db, args.workers, 0 if args.growth else learners)
    try:
        mode = "growth" if args.growth else "open loop" if args.open_loop else "closed loop"
        print(f"{mode}: {learners} learners, AI-102 exams, {args.db}, {args.workers} worker processes; "
              f"the load generator runs on the same machine ({os.cpu_count()} cores shared)")
        if args.growth:
            result = asyncio.run(growth(base))
        elif args.open_loop:
            result = asyncio.run(open_loop(base, tokens, args.think, args.duration))
        else:
            result = asyncio.run(closed_loop(base, tokens))
        result = {"db": args.db, "workers": args.workers, "same_machine": True, **result}
        if args.format == "json":
            print(json.dumps(result))
    finally:
        stop()


if __name__ == "__main__":
    main()
