"""`certprep serve` as a real subprocess, for the tests that kill it, restart it or put it behind a
proxy."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx2 as httpx


def serve(db: str, port: int, *flags: str) -> subprocess.Popen:
    """Start the server on `db` and `port` (with `flags`), and return once it answers."""
    env = {**os.environ, "CERTPREP_DATABASE_URL": db}
    proc = subprocess.Popen([sys.executable, "-m", "certprep", "serve", "--port", str(port), *flags],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("the server did not start")
