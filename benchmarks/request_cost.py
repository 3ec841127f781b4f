"""What one request costs the server, without load: the app in-process, one request at a time.

web_load.py measures latency under load, where queueing hides what each request costs and the
machine's other work adds noise. This runs the same requests (exam start, question page, answer)
through the same app over the ASGI interface, one after another, and prints the mean and median
CPU milliseconds of each kind (process time, over all threads, so other work on a shared machine
does not count; the wall-clock median beside it adds waits: fsync, locks, other processes). Nothing listens on a socket, so the numbers are the app's own work (plus httpx's
ASGI transport, the same before and after a change).

The top costs of the page and answer paths come from sampling this run with py-spy (every
thread: `def` handlers run in the thread pool), folded per function by benchmarks/top_costs.py:

    .venv/bin/python benchmarks/request_cost.py [--db sqlite|postgresql] [--learners 50] [--answers 20]
    .venv/bin/py-spy record --format raw -o cost.raw -- .venv/bin/python benchmarks/request_cost.py
    .venv/bin/python benchmarks/top_costs.py cost.raw
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx2 as httpx  # noqa: E402

from benchmarks.web_load import action, enrol, fill, wants_finish  # noqa: E402
from certprep.web.app import SESSION_COOKIE, Settings, create_app  # noqa: E402


async def run(url: str, learners: int, answers: int) -> dict[str, list[float]]:
    tokens = enrol(url, learners)
    app = create_app(Settings(database_url=url, accounts=True))
    times: dict[str, list[float]] = defaultdict(list)
    walls: dict[str, list[float]] = defaultdict(list)
    transport = httpx.ASGITransport(app=app)
    clients = [httpx.AsyncClient(transport=transport, base_url="http://certprep.test", cookies={SESSION_COOKIE: t})
               for t in tokens]

    async def timed(kind: str, request):
        start, wall = time.process_time(), time.perf_counter()  # CPU time of every thread: steady on a busy machine
        r = await request
        times[kind].append(time.process_time() - start)
        walls[kind].append(time.perf_counter() - wall)
        assert r.status_code < 400, (kind, r.status_code, r.text[:300])
        return r

    locations = []
    for n, c in enumerate(clients):
        r = await timed("start", c.post("/attempts", data={"mode": "exam", "exam": "ai-102", "seed": str(n)}))
        locations.append(r.headers["location"])
    for _ in range(answers):
        for i, c in enumerate(clients):
            page = (await timed("page", c.get(locations[i]))).text
            if wants_finish(page):
                r = await c.post(action(page, "finish-section"))
            else:
                r = await timed("answer", c.post(action(page, "answer"), data=fill(page)))
            locations[i] = r.headers["location"]
    for c in clients:
        await c.aclose()
    app.state.store.close()
    return times, walls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--answers", type=int, default=20, help="questions each learner answers")
    args = parser.parse_args()
    cluster = None
    if args.db == "postgresql":
        from tests.pgcluster import Cluster

        cluster = Cluster().start()
        _, url = cluster.create_database()
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/cost.db"
    try:
        times, walls = asyncio.run(run(url, args.learners, args.answers))
    finally:
        if cluster:
            cluster.stop()
    print(f"{args.db}: {args.learners} learners x {args.answers} answers, one request at a time, in-process")
    for kind in ("start", "page", "answer"):
        t = times[kind]
        print(f"{kind:<8} {len(t):>6} requests   CPU per request: mean {statistics.fmean(t) * 1000:6.2f} ms"
              f"   median {statistics.median(t) * 1000:6.2f} ms   (wall: median {statistics.median(walls[kind]) * 1000:6.2f} ms)")


if __name__ == "__main__":
    main()
