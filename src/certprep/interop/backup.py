"""A learner's whole progress in one file: attempts (with the item versions they showed), review
cards and review events. Restoring into another database (SQLite or PostgreSQL) gives the same
progress back; attempts get new ids there when the old ones are taken.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

from sqlalchemy import select, text

from certprep.errors import CertprepError
from certprep.store.db import Store
from certprep.store.models import Attempt, AttemptQuestion, ItemVersion, ReviewCard, ReviewEvent

FORMAT = "certprep-backup/1"


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()


def _dt(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def backup(store: Store, user: str) -> dict:
    with store.session.begin() as s:
        attempts = s.scalars(select(Attempt).where(Attempt.user_id == user).order_by(Attempt.id)).all()
        hashes = {q.item_hash for a in attempts for q in a.questions}
        return {
            "format": FORMAT,
            "user": user,
            "item_versions": [{"hash": v.hash, "item_id": v.item_id, "body": v.body}
                              for v in s.scalars(select(ItemVersion).where(ItemVersion.hash.in_(hashes))).all()],
            "attempts": [{
                "id": a.id, "exam": a.exam, "mode": a.mode, "form": a.form, "feedback": a.feedback, "status": a.status,
                "started_at": _iso(a.started_at), "deadline": _iso(a.deadline), "finished_at": _iso(a.finished_at),
                "section": a.section, "position": a.position, "result": a.result,
                "questions": [{"key": q.key, "position": q.position, "section": q.section, "item_hash": q.item_hash,
                               "response": q.response, "answered_at": _iso(q.answered_at), "flagged": q.flagged,
                               "points": q.points, "max_points": q.max_points, "confidence": q.confidence}
                              for q in a.questions]} for a in attempts],
            "review_cards": [{"key": c.key, "card": c.card, "due": _iso(c.due)}
                             for c in s.scalars(select(ReviewCard).where(ReviewCard.user_id == user)
                                                .order_by(ReviewCard.key)).all()],
            "review_events": [{"key": e.key, "rating": e.rating, "at": _iso(e.at)}
                              for e in s.scalars(select(ReviewEvent).where(ReviewEvent.user_id == user)
                                                 .order_by(ReviewEvent.id)).all()],
        }


def write_backup(store: Store, user: str, path: Path) -> dict:
    data = backup(store, user)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump(data, fh)
    return data


def read_backup(path: Path) -> dict:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, json.JSONDecodeError, EOFError) as exc:
        raise CertprepError(f"{path}: not a certprep backup ({exc})") from exc
    if data.get("format") != FORMAT:
        raise CertprepError(f"{path}: unknown backup format {data.get('format')!r}; expected {FORMAT}")
    return data


def restore(store: Store, user: str, data: dict) -> int:
    """Add the backup's progress to `user` in `store`; returns the number of attempts restored."""
    with store.session.begin() as s:
        for v in data["item_versions"]:
            if s.get(ItemVersion, v["hash"]) is None:
                s.add(ItemVersion(hash=v["hash"], item_id=v["item_id"], body=v["body"]))
        s.flush()
        for a in data["attempts"]:
            attempt = Attempt(user_id=user, exam=a["exam"], mode=a["mode"], form=a["form"], feedback=a["feedback"],
                              status=a["status"], started_at=_dt(a["started_at"]), deadline=_dt(a["deadline"]),
                              finished_at=_dt(a["finished_at"]), section=a["section"], position=a["position"],
                              result=a["result"])
            if s.get(Attempt, a["id"]) is None:
                attempt.id = a["id"]  # keep the id when it is free, so `certprep review N` still works
            attempt.questions = [AttemptQuestion(
                key=q["key"], position=q["position"], section=q["section"], item_hash=q["item_hash"],
                response=q["response"], answered_at=_dt(q["answered_at"]), flagged=q["flagged"], points=q["points"],
                max_points=q["max_points"], confidence=q["confidence"]) for q in a["questions"]]
            s.add(attempt)
        for c in data["review_cards"]:
            row = s.get(ReviewCard, (user, c["key"]))
            if row is None:
                s.add(ReviewCard(user_id=user, key=c["key"], card=c["card"], due=_dt(c["due"])))
            else:
                row.card, row.due = c["card"], _dt(c["due"])
        for e in data["review_events"]:
            s.add(ReviewEvent(user_id=user, key=e["key"], rating=e["rating"], at=_dt(e["at"])))
        if s.bind.dialect.name == "postgresql":  # explicit ids do not move PostgreSQL's sequence
            s.execute(text("SELECT setval(pg_get_serial_sequence('attempts', 'id'), "
                           "COALESCE((SELECT MAX(id) FROM attempts), 0) + 1, false)"))
    return len(data["attempts"])
