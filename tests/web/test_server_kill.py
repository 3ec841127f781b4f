"""Killing the server (SIGKILL) in the middle of an exam and starting it again loses no answer,
and the remaining time is still counted from the deadline stored when the attempt began."""

from __future__ import annotations

import re
import signal
import time

import httpx2 as httpx

from benchmarks.web_load import fill, free_port

from .servers import serve



def remaining(page: str) -> int:
    return int(re.search(r'data-remaining="(\d+)"', page).group(1))


def test_sigkill_the_server_mid_exam_then_restart(tmp_path):
    db, port = f"sqlite:///{tmp_path / 'kill.db'}", free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(db, port)
    try:
        with httpx.Client(base_url=base, follow_redirects=False) as web:
            location = web.post("/attempts", data={"mode": "exam", "exam": "ai-102", "seed": "5"}).headers["location"]
            given = []
            for _ in range(4):
                page = web.get(location).text
                answer = fill(page)
                given.append(answer["q"])
                assert web.post(f"{location}/answer", data=answer).status_code == 303
            before = remaining(web.get(location).text)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    assert server.returncode == -signal.SIGKILL
    time.sleep(1.0)
    server = serve(db, port)
    try:
        with httpx.Client(base_url=base) as web:
            screen = web.get(f"{location}/section").text
            assert "4 of" in screen and "answered" in screen
            page = web.get(location).text
            assert before - 30 <= remaining(page) <= before - 1  # the clock kept running while it was down
    finally:
        server.terminate()
        server.wait(timeout=10)
