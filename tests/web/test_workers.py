"""`serve --workers 2`: SIGKILL of the supervisor takes its workers down with it (issue 12,
point 7). They used to go on serving the port, and a restart failed with "Address already in
use". Real processes, real signals."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx2 as httpx

from benchmarks.web_load import free_port

from .servers import serve


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"



def test_workers_exit_when_the_supervisor_is_killed(tmp_path):
    db, port = f"sqlite:///{tmp_path / 'workers.db'}", free_port()
    supervisor = serve(db, port, "--workers", "2")
    workers = []
    try:
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:  # both workers up
            workers = [p for p in children(supervisor.pid)
                       if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
            time.sleep(0.2)
        assert len(workers) == 2
        supervisor.send_signal(signal.SIGKILL)
        supervisor.wait(timeout=10)
        deadline = time.monotonic() + 20
        while any(alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in workers if alive(p)], "workers went on serving after their supervisor died"
        with httpx.Client() as web:
            try:
                web.get(f"http://127.0.0.1:{port}/", timeout=2)
                raise AssertionError("the port still answers")
            except httpx.TransportError:
                pass
        restarted = serve(db, port, "--workers", "2")  # the address is free again
        restarted.terminate()
        restarted.wait(timeout=20)
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
