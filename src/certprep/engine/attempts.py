"""Attempts: start, answer, flag, move, finish sections, submit, resume; every step committed.

Rules an attempt enforces:
- only the current section can be answered or browsed; finished sections are locked;
- in a section without revisits (problem–solution sets) an answer is final, and so is a
  practice answer whose feedback was shown (feedback "now");
- practice with feedback "now" can show a question's answer before it is answered: it then
  scores 0, as if unanswered, and can no longer be answered (MeasureUp's rule);
- a problem–solution set or a case study opens with an intro screen, shown once per section;
- options struck through are kept per question (by shown position) and stay answerable;
- the deadline is stored when the attempt starts; an answer after it is refused, and an
  expired attempt is scored with what was given whenever it is next touched;
- the items are read back from the snapshots taken at the start, never from today's bank;
- while a closed-book attempt (keys at the end: an exam, a diagnostic) is open, its items are
  *withheld*: no other attempt gives feedback on them, and callers showing keys elsewhere (the
  review queue, reviews of finished attempts) ask `withheld_items` first.

Every operation opens its own transaction, so a process killed at any moment leaves every
answer given before it on disk. Time comes from an injectable clock (UTC). What callers get back
(views, summaries, outcomes) is in engine/attempt_views.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import AnyItem, split_question_key
from certprep.bank.loader import ITEM_ADAPTER, Bank
from certprep.engine.attempt_views import (
    STRIKABLE, Answered, AttemptSummary, AttemptView, Feedback, Finished, OnFinish, QuestionRef,
    QuestionState, label,
)
from certprep.engine.forms import Form
from certprep.engine.order import shuffled
from certprep.engine.scoring import body_of, normalize, points, score
from certprep.errors import AttemptClosed, AttemptError, InvalidResponse, SectionLocked, UnknownChoice
from certprep.store.db import Store
from certprep.store.models import Attempt, AttemptQuestion, ItemVersion

Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands datetimes back naive; every stored time is UTC."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def _order(attempt_id: int, key: str) -> str:
    """The seed of the order an attempt shows a question's choices in (engine/order.py)."""
    return f"{attempt_id}/{key}"



def _save_snapshots(s: Session, bank: Bank, hashes: dict[str, str]) -> None:
    """Store the item versions an attempt uses, once per content hash. Attempts starting at the
    same moment (PostgreSQL) insert the same rows: in hash order, skipping ones that exist, they
    wait for each other instead of deadlocking."""
    known = set(s.scalars(select(ItemVersion.hash).where(ItemVersion.hash.in_(set(hashes.values())))))
    missing = sorted({h: item_id for item_id, h in hashes.items() if h not in known}.items())
    if missing:
        insert = postgresql.insert if s.bind.dialect.name == "postgresql" else sqlite.insert
        s.execute(insert(ItemVersion).values([{"hash": h, "item_id": item_id,
                                               "body": bank.items[item_id].model_dump(mode="json")}
                                              for h, item_id in missing]).on_conflict_do_nothing(index_elements=["hash"]))


# A snapshot never changes for a given hash, so parsed items can be shared by every attempt.
_SNAPSHOTS: dict[str, AnyItem] = {}

# Pages read attempts as plain rows (no ORM objects, no identity map: a third of a page's time
# went there); statements built once keep SQLAlchemy from recomputing their cache keys.
_ATTEMPT_ROW = select(*(c for c in Attempt.__table__.c)).where(Attempt.id == bindparam("attempt_id"))
_QUESTION_ROWS = (select(*(c for c in AttemptQuestion.__table__.c))
                  .where(AttemptQuestion.attempt_id == bindparam("attempt_id")).order_by(AttemptQuestion.position))
_QUESTION_AT = _QUESTION_ROWS.where(AttemptQuestion.position == bindparam("position"))
_QUESTION_KEYED = _QUESTION_ROWS.where(AttemptQuestion.key == bindparam("key"))
_QUESTION_COUNT = select(func.count()).where(AttemptQuestion.attempt_id == bindparam("attempt_id"))
_ONE_QUESTION = ((AttemptQuestion.__table__.c.attempt_id == bindparam("attempt"))
                 & (AttemptQuestion.__table__.c.key == bindparam("question")))
_SAVE_ANSWER = update(AttemptQuestion.__table__).where(_ONE_QUESTION).values(
    response=bindparam("new_response"), answered_at=bindparam("at"), confidence=bindparam("sure"))
_SAVE_SCORED = _SAVE_ANSWER.values(points=bindparam("new_points"))  # practice with feedback now
_SET_FLAG = update(AttemptQuestion.__table__).where(_ONE_QUESTION).values(flagged=bindparam("new_flag"))
_SET_STRUCK = update(AttemptQuestion.__table__).where(_ONE_QUESTION).values(struck=bindparam("new_struck"))
_REVEAL = update(AttemptQuestion.__table__).where(_ONE_QUESTION).values(revealed=True, points=0,
                                                                       answered_at=bindparam("at"))
_MOVE = update(Attempt.__table__).where(Attempt.__table__.c.id == bindparam("attempt")).values(
    position=bindparam("new_position"))


class Attempts:
    """The attempt service for one user over one store."""

    def __init__(self, store: Store, blueprints: dict[str, Blueprint], *, user: str = "local",
                 clock: Clock = utcnow, on_finish: OnFinish | None = None) -> None:
        self.store, self.blueprints, self.user, self.clock = store, blueprints, user, clock
        self.on_finish = on_finish

    # ---- starting

    def start(self, form: Form, bank: Bank, *, feedback: str = "end") -> int:
        if feedback not in ("now", "end"):
            raise UnknownChoice("feedback", feedback, ["now", "end"])
        if not form.keys():
            raise AttemptError("the form has no questions")
        now = self.clock()
        with self.store.session.begin() as s:
            hashes = {item_id: bank.hash_of(item_id) for item_id in form.item_ids()}
            _save_snapshots(s, bank, hashes)
            attempt = Attempt(user_id=self.user, exam=form.exam, mode=form.mode, form=form.to_dict(),
                              feedback=feedback, status="open", started_at=now, section=0, position=0,
                              deadline=now + dt.timedelta(minutes=form.minutes) if form.minutes else None)
            s.add(attempt)
            s.flush()
            rows, position = [], 0
            for index, section in enumerate(form.sections):
                for key in section.questions:
                    item_id, part = split_question_key(key)
                    rows.append({"attempt_id": attempt.id, "key": key, "position": position, "section": index,
                                 "item_hash": hashes[item_id], "flagged": False,
                                 "max_points": body_of(bank.items[item_id], part).max_points()})
                    position += 1
            s.execute(insert(AttemptQuestion), rows)  # one executemany, not 50 ORM objects
            return attempt.id

    # ---- reading

    def get(self, attempt_id: int) -> AttemptView:
        with self.store.reader.connect() as conn:
            attempt = conn.execute(_ATTEMPT_ROW, {"attempt_id": attempt_id}).first() if 0 < attempt_id < 2**31 else None
            if attempt is None or attempt.user_id != self.user:
                raise self._unknown(conn, attempt_id)
            if not self._expired(attempt):
                return self._view(conn, attempt, conn.execute(_QUESTION_ROWS, {"attempt_id": attempt_id}).all())
        with self.store.session.begin() as s:  # time ran out: finalise it, in a writing transaction
            return self._view(s, self._touch(s, attempt_id))

    def list(self, exam: str | None = None, last: int | None = None) -> list[AttemptView]:
        """The user's attempts, oldest first; `last` keeps only the newest ones. Two queries
        however many there are; read-only unless an open attempt ran out of time (scored first)."""
        self._finalise_expired()
        ids = select(Attempt.id).where(Attempt.user_id == self.user).order_by(Attempt.id.desc())
        if exam:
            ids = ids.where(Attempt.exam == exam)
        if last is not None:
            ids = ids.limit(last)
        with self.store.reader.connect() as conn:
            chosen = ids.subquery()
            attempts = conn.execute(select(*Attempt.__table__.c).where(Attempt.id.in_(select(chosen.c.id)))
                                    .order_by(Attempt.id)).all()
            rows: dict[int, list] = {a.id: [] for a in attempts}
            for row in conn.execute(select(*AttemptQuestion.__table__.c)
                                    .where(AttemptQuestion.attempt_id.in_(select(chosen.c.id)))
                                    .order_by(AttemptQuestion.attempt_id, AttemptQuestion.position)):
                rows[row.attempt_id].append(row)
            return [self._view(conn, a, rows[a.id]) for a in attempts]

    def summaries(self, last: int | None = None, before: int | None = None,
                  practice: bool = True) -> list[AttemptSummary]:
        """The user's attempts without their questions (what lists show), oldest first: the
        `last` newest ones (before attempt `before`), practice included unless `practice` is False."""
        self._finalise_expired()
        q = (select(Attempt.id, Attempt.exam, Attempt.mode, Attempt.status, Attempt.started_at, Attempt.finished_at,
                    Attempt.result).where(Attempt.user_id == self.user).order_by(Attempt.id.desc()))
        if before is not None:
            q = q.where(Attempt.id < before)
        if not practice:
            q = q.where(Attempt.mode != "practice")
        with self.store.reader.connect() as conn:
            rows = conn.execute(q if last is None else q.limit(last)).all()
        return [AttemptSummary(r.id, r.exam, r.mode, r.status, _utc(r.started_at), _utc(r.finished_at), r.result)
                for r in reversed(rows)]

    def finished_exams(self) -> set[str]:
        """Exams the user has finished an attempt of (any mode)."""
        with self.store.reader.connect() as conn:
            return set(conn.scalars(select(Attempt.exam).distinct()
                                    .where(Attempt.user_id == self.user, Attempt.status != "open")))

    def _finalise_expired(self) -> None:
        """Score the user's open attempts whose time ran out while nobody looked."""
        with self.store.reader.connect() as conn:
            stale = [a.id for a in conn.execute(select(Attempt.id, Attempt.status, Attempt.deadline)
                                                .where(Attempt.user_id == self.user, Attempt.status == "open"))
                     if self._expired(a)]
        if stale:
            with self.store.session.begin() as s:
                for attempt_id in stale:
                    self._touch(s, attempt_id)

    def latest_open(self, exam: str | None = None) -> int | None:
        with self.store.session.begin() as s:
            q = (select(Attempt.id).where(Attempt.user_id == self.user, Attempt.status == "open")
                 .order_by(Attempt.id.desc()))
            if exam:
                q = q.where(Attempt.exam == exam)
            for attempt_id in s.scalars(q).all():  # the newest that has not expired meanwhile
                if self._touch(s, attempt_id).status == "open":
                    return attempt_id
            return None

    # ---- acting

    def answer(self, attempt_id: int, key: str, response: object, confidence: str | None = None) -> Feedback | None:
        return self.answer_and_advance(attempt_id, key, response, advance=False, confidence=confidence).feedback

    def answer_and_advance(self, attempt_id: int, key: QuestionRef, response: object | None,
                           advance: bool = True, confidence: str | None = None,
                           read: Callable[[object], object | None] | None = None) -> Answered:
        """Store an answer (None: leave it unanswered) with an optional confidence (low, medium,
        high) and, with `advance`, move to the next question of the section, in one transaction.
        `read`, if given, makes the response from the question as shown (a web form's fields).
        With feedback "now" the answer is final and the attempt stays on it, to show the feedback."""
        if confidence not in (None, "low", "medium", "high"):
            raise UnknownChoice("confidence", confidence, ["low", "medium", "high"])
        # The hot path of a class taking an exam: plain statements on one connection, committed
        # before returning (the answer is durable when acknowledged), no ORM unit of work.
        with self.store.engine.begin() as conn:
            attempt = conn.execute(_ATTEMPT_ROW, {"attempt_id": attempt_id}).first() if 0 < attempt_id < 2**31 else None
            if attempt is not None and attempt.user_id == self.user and attempt.status == "open" \
                    and not self._expired(attempt):
                return self._answer(conn, attempt, key, response, advance, confidence, read)
        with self.store.session.begin() as s:
            self._open(s, attempt_id)  # raises: not the user's, finished, or out of time (scored first)
        raise AttemptClosed(f"attempt {attempt_id} is already finished")  # status never returns to "open"

    def _answer(self, conn: Connection, attempt, ref: QuestionRef, response: object | None, advance: bool,
                confidence: str | None, read: Callable[[object], object | None] | None) -> Answered:
        row = self._current_row(conn, attempt, ref)
        _, part = split_question_key(row.key)
        body = body_of(self._item(conn, row.item_hash), part)
        if read is not None:
            response = read(shuffled(body, _order(attempt.id, row.key)))
        feedback = None
        if response is not None and row.revealed:
            raise AttemptError(f"question {row.position + 1}: its answer was shown, so it counts as not "
                               "answered and cannot be answered now")
        if response is not None:
            now_mode = attempt.mode == "practice" and attempt.feedback == "now"
            if row.response is not None and not attempt.form["sections"][row.section]["revisit"]:
                raise AttemptError(f"question {row.position + 1}: answers in this section are final "
                                   "and cannot be changed")
            if row.response is not None and now_mode:
                raise AttemptError(f"question {row.position + 1}: its feedback was shown, so this answer is final")
            canonical = normalize(body, response)
            saved = {"attempt": attempt.id, "question": row.key, "new_response": canonical, "at": self.clock(),
                     "sure": confidence}
            if now_mode:
                saved["new_points"] = points(body, canonical)
                if split_question_key(row.key)[0] not in self._withheld(conn, attempt.id):
                    feedback = Feedback(saved["new_points"], row.max_points)
            conn.execute(_SAVE_SCORED if now_mode else _SAVE_ANSWER, saved)
        in_section = attempt.form["sections"][row.section]["questions"]  # the rows' keys, in order
        position = in_section.index(row.key)
        last = position + 1 >= len(in_section)
        if advance and not last and feedback is None and attempt.position != position + 1:
            conn.execute(_MOVE, {"attempt": attempt.id, "new_position": position + 1})
        return Answered(feedback, last, attempt.mode)

    def flag(self, attempt_id: int, key: QuestionRef, flagged: bool = True) -> None:
        with self.store.session.begin() as s:
            row = self._current_row(s, self._open(s, attempt_id), key)
            s.execute(_SET_FLAG, {"attempt": attempt_id, "question": row.key, "new_flag": flagged})

    def strike(self, attempt_id: int, key: QuestionRef, choice: int, struck: bool = True) -> list[int]:
        """Strike an option through (or restore it), naming it by its shown position (1-based);
        returns the positions struck now. A struck option can still be chosen."""
        with self.store.session.begin() as s:
            row = self._current_row(s, self._open(s, attempt_id), key)
            body = body_of(self._item(s, row.item_hash), split_question_key(row.key)[1])
            if body.type not in STRIKABLE:
                raise AttemptError(f"question {row.position + 1}: only the options of single-answer and "
                                   "choose-N questions can be struck through")
            if not 1 <= choice <= len(body.options):
                raise UnknownChoice("option", choice, [f"1 to {len(body.options)}"])
            now = set(row.struck or [])
            now = sorted(now | {choice} if struck else now - {choice})
            s.execute(_SET_STRUCK, {"attempt": attempt_id, "question": row.key, "new_struck": now})
            return now

    def reveal(self, attempt_id: int, key: QuestionRef) -> None:
        """Practice with feedback "now": show a question's answer before answering it. The
        question then scores 0 (as unanswered, and final); the review queue gets it as a miss."""
        with self.store.session.begin() as s:
            attempt = self._open(s, attempt_id)
            row = self._current_row(s, attempt, key)
            label = f"question {row.position + 1}"
            if not (attempt.mode == "practice" and attempt.feedback == "now"):
                raise AttemptError(f"{label}: answers can be shown only in practice with feedback after each question")
            if row.response is not None:
                raise AttemptError(f"{label} is answered already; its feedback shows the answer")
            item_id = split_question_key(row.key)[0]
            if item_id in (withheld := self._withheld(s, attempt.id)):
                raise AttemptError(f"{label} is in your open attempt {withheld[item_id]}; its answer is "
                                   "shown after you finish that attempt")
            s.execute(_REVEAL, {"attempt": attempt_id, "question": row.key, "at": self.clock()})

    def dismiss_intro(self, attempt_id: int) -> None:
        """The intro screen of the current section was read (Continue): it is not shown again."""
        with self.store.session.begin() as s:
            attempt = self._open(s, attempt_id)
            attempt.intro_seen = max(attempt.intro_seen, attempt.section)

    def goto(self, attempt_id: int, position: int) -> None:
        """Move to question `position` (0-based) of the current section."""
        with self.store.session.begin() as s:
            attempt = self._open(s, attempt_id)
            rows = [q for q in attempt.questions if q.section == attempt.section]
            if not 0 <= position < len(rows):
                raise AttemptError(f"this section has questions 1 to {len(rows)}, not {position + 1}")
            revisit = Form.from_dict(attempt.form).sections[attempt.section].revisit
            if not revisit and position != attempt.position and (rows[position].response is not None or rows[position].revealed):
                raise AttemptError("answered questions in this section cannot be revisited")
            attempt.position = position

    def finish_section(self, attempt_id: int) -> AttemptView:
        """Lock the current section and move to the next; finishing the last one submits."""
        with self.store.session.begin() as s:
            attempt = self._open(s, attempt_id, ending=True)
            if attempt.section + 1 >= len(attempt.form["sections"]):
                self._finalise(s, attempt, "finished")
            else:
                attempt.section += 1
                attempt.position = 0
            return self._view(s, attempt)

    def submit(self, attempt_id: int) -> dict:
        with self.store.session.begin() as s:
            attempt = self._open(s, attempt_id, ending=True)
            self._finalise(s, attempt, "finished")
            return attempt.result  # type: ignore[return-value]

    def grow(self, attempt_id: int, bank: Bank, choose: Callable[[list[tuple[str, AnyItem, str | None, float]]], str | None],
             finish: Callable[[list[tuple[str, AnyItem, str | None, float]]], dict]) -> AttemptView:
        """Go on with a form that grows one question at a time (an adaptive check), in one
        transaction: once the current question is answered, `choose` names the next from the
        answers so far (key, item, part, share of points), or None to finish; `finish` then
        adds to the scored result. Idempotent: nothing happens while the current question waits
        for its answer, so it can run after a crash as well as after each answer."""
        with self.store.session.begin() as s:
            attempt = self._touch(s, attempt_id)
            rows = list(attempt.questions)
            if attempt.status != "open" or (rows and rows[-1].response is None):
                return self._view(s, attempt)
            answers = []
            for row in rows:
                _, part = split_question_key(row.key)
                item = self._item(s, row.item_hash)
                answers.append((row.key, item, part, points(body_of(item, part), row.response) / row.max_points))
            key = choose(answers)
            if key is None or key in {r.key for r in rows}:
                self._finalise(s, attempt, "finished")
                attempt.result = {**attempt.result, **finish(answers)}
                return self._view(s, attempt)
            item_id, part = split_question_key(key)
            item = bank.items[item_id]
            _save_snapshots(s, bank, {item_id: item.content_hash()})
            attempt.questions.append(AttemptQuestion(key=key, position=len(rows), section=0, item_hash=item.content_hash(),
                                                     flagged=False, max_points=body_of(item, part).max_points()))
            sections = [dict(sec) for sec in attempt.form["sections"]]
            sections[0]["questions"] = [*sections[0]["questions"], key]
            attempt.form = {**attempt.form, "sections": sections}  # a new dict, so the JSON column is saved
            attempt.position = len(rows)
            s.flush()
            return self._view(s, attempt)

    # ---- keys withheld while a closed-book attempt is open

    def withheld_items(self, exclude: int | None = None) -> dict[str, int]:
        """Item id -> the open closed-book attempt (keys at the end, not expired) that holds it."""
        with self.store.reader.connect() as conn:
            return self._withheld(conn, exclude)

    def _withheld(self, s: Session | Connection, exclude: int | None = None) -> dict[str, int]:
        q = select(Attempt.id, Attempt.status, Attempt.deadline).where(
            Attempt.user_id == self.user, Attempt.status == "open", Attempt.feedback == "end")
        holding = [a.id for a in s.execute(q) if a.id != exclude and not self._expired(a)]
        if not holding:
            return {}
        keys = s.execute(select(AttemptQuestion.attempt_id, AttemptQuestion.key)
                         .where(AttemptQuestion.attempt_id.in_(holding)).order_by(AttemptQuestion.attempt_id))
        return {split_question_key(key)[0]: attempt_id for attempt_id, key in keys}

    # ---- history for practice filters

    def history_pool(self, bank: Bank, exam: str, *, unseen: bool = False, missed: int | None = None,
                     flagged: bool = False) -> set[str] | None:
        """Item ids passing every history filter given (None: no filter): never shown, missed in
        the last `missed` finished attempts, flagged."""
        if not (unseen or missed is not None or flagged):
            return None
        pool = set(bank.items)
        if unseen:
            pool -= self.seen_items(exam)
        if missed is not None:
            pool &= self.missed_items(exam, missed)
        if flagged:
            pool &= self.flagged_items(exam)
        return pool

    def seen_items(self, exam: str | None = None) -> set[str]:
        """Item ids of the learner's finished attempts (of `exam`, or of any exam: one item bank
        serves both, so an AI-102 question can come back in AI-103)."""
        return {split_question_key(r.key)[0] for a in self._finished(exam) for r in a.questions}

    def missed_items(self, exam: str, last: int) -> set[str]:
        recent = self._finished(exam)[-last:] if last > 0 else []
        return {split_question_key(r.key)[0] for a in recent for r in a.questions
                if (r.points or 0) < r.max_points}

    def flagged_items(self, exam: str) -> set[str]:
        with self.store.read.begin() as s:
            q = (select(AttemptQuestion.key).join(Attempt)
                 .where(Attempt.user_id == self.user, Attempt.exam == exam, AttemptQuestion.flagged))
            return {split_question_key(k)[0] for k in s.scalars(q).all()}

    # ---- internals

    def _finished(self, exam: str | None) -> list[Attempt]:
        with self.store.read.begin() as s:
            q = (select(Attempt).where(Attempt.user_id == self.user, Attempt.status != "open").order_by(Attempt.id))
            if exam is not None:
                q = q.where(Attempt.exam == exam)
            attempts = list(s.scalars(q).all())
            for a in attempts:
                _ = a.questions  # load before the session closes
            return attempts

    def _load(self, s: Session, attempt_id: int) -> Attempt:
        # ids beyond the column's range (32 bits on PostgreSQL) name no attempt; asking the
        # database would overflow
        attempt = s.get(Attempt, attempt_id) if 0 < attempt_id < 2**31 else None
        if attempt is None or attempt.user_id != self.user:
            raise self._unknown(s, attempt_id)
        return attempt

    def _unknown(self, s: Session | Connection, attempt_id: int) -> UnknownChoice:
        mine = s.scalars(select(Attempt.id).where(Attempt.user_id == self.user).order_by(Attempt.id)).all()
        return UnknownChoice("attempt", attempt_id, mine)

    def _expired(self, attempt: Attempt) -> bool:
        """Open, with a deadline that has passed: it must be finalised before anything else."""
        deadline = _utc(attempt.deadline)
        return attempt.status == "open" and deadline is not None and self.clock() >= deadline

    def _touch(self, s: Session, attempt_id: int) -> Attempt:
        """Load an attempt and finalise it if its time ran out while nobody looked."""
        attempt = self._load(s, attempt_id)
        if self._expired(attempt):
            self._finalise(s, attempt, "expired")
        return attempt

    def _open(self, s: Session, attempt_id: int, *, ending: bool = False) -> Attempt:
        attempt = self._touch(s, attempt_id)
        if ending and attempt.mode == "check" and attempt.status == "open":
            raise AttemptError(f"attempt {attempt_id} is a quick check: it ends by itself once its call is sure")
        if attempt.status == "expired":
            raise AttemptClosed(f"attempt {attempt_id}: time is up; it was scored with the answers given before the deadline")
        if attempt.status != "open":
            raise AttemptClosed(f"attempt {attempt_id} is already finished")
        return attempt

    def _current_row(self, s: Session | Connection, attempt, ref: QuestionRef):
        """The row (plain, read-only) of a question of the current section; errors name its
        position, never its key (item ids are bank ids, and they hint at the answer)."""
        if isinstance(ref, int):
            row = s.execute(_QUESTION_AT, {"attempt_id": attempt.id, "position": ref}).first()
        else:
            row = s.execute(_QUESTION_KEYED, {"attempt_id": attempt.id, "key": ref}).first()
        if row is None:
            count = s.execute(_QUESTION_COUNT, {"attempt_id": attempt.id}).scalar()
            raise UnknownChoice("question", label(ref), [f"1 to {count}"])
        named = f"question {row.position + 1}"
        if row.section < attempt.section:
            raise SectionLocked(f"{named}: section {row.section + 1} is finished and locked")
        if row.section > attempt.section:
            raise SectionLocked(f"{named}: finish section {attempt.section + 1} before section {row.section + 1}")
        return row

    def _item(self, s: Session | Connection, hash_: str) -> AnyItem:
        if hash_ not in _SNAPSHOTS:
            body = s.execute(select(ItemVersion.body).where(ItemVersion.hash == hash_)).scalar_one()
            _SNAPSHOTS[hash_] = ITEM_ADAPTER.validate_python(body)
        return _SNAPSHOTS[hash_]

    def _finalise(self, s: Session, attempt: Attempt, status: str) -> None:
        bp = self.blueprints.get(attempt.exam)
        if bp is None:
            raise UnknownChoice("exam", attempt.exam, list(self.blueprints))
        questions, responses = [], {}
        for row in attempt.questions:
            _, part = split_question_key(row.key)
            item = self._item(s, row.item_hash)
            questions.append((row.key, item, part))
            if row.response is not None:
                responses[row.key] = row.response
        report = score(questions, responses, bp)
        now = self.clock()
        for row, result in zip(attempt.questions, report.questions):
            row.points = result.points
        attempt.status, attempt.finished_at = status, now
        if self.on_finish is not None:
            self.on_finish(s, Finished(attempt.user_id, now, [(r.key, r.points / r.max_points, r.confidence)
                                                              for r in attempt.questions
                                                              if r.response is not None or r.revealed]))
        attempt.result = report.to_dict()
        attempt.result["confident_and_wrong"] = [r.key for r in attempt.questions
                                                 if r.confidence == "high" and r.response is not None
                                                 and (r.points or 0) < r.max_points]

    def _view(self, s: Session | Connection, attempt, rows=None) -> AttemptView:
        """The view of an attempt: an ORM `Attempt`, or its row with its questions' rows (the
        read path of `get`; both have the same attribute names)."""
        states = []
        for row in attempt.questions if rows is None else rows:
            _, part = split_question_key(row.key)
            states.append(QuestionState(row.key, self._item(s, row.item_hash), part, row.section, row.position,
                                        row.response, row.flagged, row.points, row.max_points,
                                        order=_order(attempt.id, row.key), confidence=row.confidence,
                                        struck=list(row.struck or []), revealed=bool(row.revealed)))
        return AttemptView(attempt.id, attempt.exam, attempt.mode, attempt.status, attempt.feedback,
                           _utc(attempt.started_at), _utc(attempt.deadline), _utc(attempt.finished_at),
                           attempt.section, attempt.position, Form.from_dict(attempt.form), states, attempt.result,
                           intro_seen=attempt.intro_seen if attempt.intro_seen is not None else -1)


__all__ = ["Answered", "Attempts", "AttemptView", "AttemptSummary", "Finished", "QuestionState", "Feedback",
           "InvalidResponse", "utcnow"]
