"""A process killed with SIGKILL in the middle of an exam loses no answer: `resume` shows them all."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from certprep.bank.synthetic import synthetic_items

from .conftest import CONTENT, write_items

CERTPREP = [sys.executable, "-m", "certprep"]


def answered(db: Path) -> int:
    try:
        with sqlite3.connect(db) as con:
            return con.execute("SELECT count(*) FROM attempt_questions WHERE response IS NOT NULL").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_sigkill_mid_exam_then_resume_shows_every_answer(tmp_path, exams):
    content = tmp_path / "content"
    shutil.copytree(CONTENT / "exams", content / "exams")
    shutil.copy(CONTENT / "services.yaml", content / "services.yaml")
    write_items(content / "items", synthetic_items(300, exams["ai-102"], seed=5, types=("single",)))
    db = tmp_path / "exam.db"
    env = {**os.environ, "COLUMNS": "200"}
    base = [*CERTPREP, "--content", str(content), "--db", str(db)]
    with subprocess.Popen([*base, "exam", "--exam", "ai-102", "--seed", "9"], stdin=subprocess.PIPE,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env) as proc:
        typed = ["B", "C", "A", "D", "B"]
        for letter in typed:
            proc.stdin.write(letter + "\n")
            proc.stdin.flush()
        deadline = time.monotonic() + 60
        while answered(db) < len(typed) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read()
            time.sleep(0.05)
        assert answered(db) == len(typed)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL

    result = subprocess.run([*base, "resume"], input="q\n", capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "Question " in line and "│" in line]
    assert "synthetic-" not in result.stdout  # the attempt is open: questions go by number, not item id
    assert len(rows) >= 40  # the review screen of section 1
    given = [row.split("│")[5].strip() for row in rows[:len(typed)]]
    assert given == typed
    assert all(row.split("│")[3].strip() == "NO" for row in rows[len(typed):])
