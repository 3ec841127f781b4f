"""Web load: N simulated learners (default 200) each take a 50-question exam as fast as they can.

Starts `certprep serve` with accounts on SQLite or on a throwaway PostgreSQL cluster, signs the
learners up, then times every answer submission (POST …/answer) and, separately, a bare endpoint
of the same app that does one insert into the same database (the ceiling). Prints submissions per
second and p50/p95/p99 latency for both, and the ratio. Goals (issue 5): p99 < 250 ms at 200
learners; answers at no less than 30 % of the ceiling.

    .venv/bin/python benchmarks/web_load.py [--db sqlite|postgresql] [--learners 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(page: str) -> dict:
    """A browser-like answer for whatever question the page shows: first choices everywhere."""
    form = page.split('<form method="post" action="/attempts/', 1)[1].split("</form>", 1)[0]
    data: dict[str, object] = {"key": html.unescape(re.search(r'name="key" value="([^"]+)"', form).group(1))}
    radios = dict.fromkeys(re.findall(r'type="radio" name="([^"]+)" value="([^"]+)"', form))
    for name, value in radios:
        data.setdefault(name, value)
    boxes = re.findall(r'type="checkbox" name="r" value="([^"]+)"', form)
    if boxes:
        choose = int(re.search(r"Choose (\d+)\.", form).group(1))
        data["r"] = boxes[:choose]
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        values = [v for v in re.findall(r'<option value="([^"]*)"', options) if v]
        slot = int(name.split(".")[1]) - 1 if name.startswith("slot.") else 0  # a step fits one slot only
        if values:
            data[name] = values[slot % len(values)]
    return data


async def enrol(client: httpx.AsyncClient, n: int) -> str:
    """Sign up and start an exam (not timed: argon2 is slow on purpose)."""
    await client.post("/signup", data={"email": f"learner{n}@bench.example", "password": "benchmark password"})
    r = await client.post("/attempts", data={"mode": "exam", "exam": "ai-102", "seed": str(n)})
    if r.status_code != 303:
        raise RuntimeError(f"learner {n} could not start an exam: {r.status_code} {r.text[:300]}")
    return r.headers["location"]


async def learner(client: httpx.AsyncClient, location: str, latencies: list[float], errors: list[str]) -> None:
    """Answer every question as fast as possible: load the page, post the answer, finish sections."""
    page = (await client.get(location)).text
    while True:
        if "/results" in location:
            return
        if "Finish section" in page or "Finish and see results" in page:
            action = re.search(r'action="(/attempts/\d+/finish-section)"', page).group(1)
            r = await client.post(action)
            if r.status_code != 303:
                errors.append(f"finish section: {r.status_code} {r.text[:300]}")
                return
            location = r.headers["location"]
            page = (await client.get(location)).text
            continue
        attempt = re.search(r'action="(/attempts/\d+)/answer"', page).group(1)
        start = time.perf_counter()
        r = await client.post(f"{attempt}/answer", data=fill(page))
        latencies.append(time.perf_counter() - start)
        if r.status_code != 303:
            found = re.search(r"role=\"alert\">(.*?)<", r.text)
            errors.append(f"{r.status_code}: {found.group(1) if found else r.text[:200]}")
            return
        location = r.headers["location"]
        page = (await client.get(location)).text


async def ceiling(url: str, requests: int, concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = list(range(requests))

    async def worker(client):
        while queue:
            queue.pop()
            start = time.perf_counter()
            r = await client.post("/_bench/insert")
            latencies.append(time.perf_counter() - start)
            assert r.status_code == 200, r.text

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return latencies, time.perf_counter() - start


def summary(name: str, latencies: list[float], seconds: float) -> float:
    q = statistics.quantiles(latencies, n=100)
    rate = len(latencies) / seconds
    print(f"{name:<26} {len(latencies):>6} requests  {rate:8.1f}/s   p50 {q[49] * 1000:6.1f} ms"
          f"   p95 {q[94] * 1000:6.1f} ms   p99 {q[98] * 1000:6.1f} ms")
    return rate


async def run(url: str, learners: int) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    clients = [httpx.AsyncClient(base_url=url, timeout=120, follow_redirects=False) for _ in range(learners)]
    locations = await asyncio.gather(*(enrol(c, i) for i, c in enumerate(clients)))
    start = time.perf_counter()
    await asyncio.gather(*(learner(c, loc, latencies, errors) for c, loc in zip(clients, locations)))
    elapsed = time.perf_counter() - start
    for c in clients:
        await c.aclose()
    if errors:
        print(f"{len(errors)} learners stopped on an error, e.g. {errors[0]}")
    answers_rate = summary("answer submissions", latencies, elapsed)
    ceil_latencies, ceil_seconds = await ceiling(url, len(latencies), learners)
    ceiling_rate = summary("ceiling (one insert)", ceil_latencies, ceil_seconds)
    print(f"answers / ceiling: {answers_rate / ceiling_rate:.0%}   (goal >= 30 %; p99 goal < 250 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    cluster = None
    tmp = tempfile.mkdtemp()
    if args.db == "postgresql":
        from tests.pgcluster import Cluster

        cluster = Cluster().start()
        _, url = cluster.create_database()
    else:
        url = f"sqlite:///{tmp}/bench.db"
    port = free_port()
    env = {**os.environ, "CERTPREP_DATABASE_URL": url, "CERTPREP_BENCH": "1"}
    server = subprocess.Popen([sys.executable, "-m", "certprep", "serve", "--port", str(port), "--accounts",
                               "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        print(f"{args.learners} learners, 50-question AI-102 exams, {args.db}, {args.workers} worker processes,"
              f" {os.cpu_count()} cores")
        asyncio.run(run(base, args.learners))
    finally:
        server.terminate()
        server.wait(timeout=30)
        if cluster:
            cluster.stop()


if __name__ == "__main__":
    main()
