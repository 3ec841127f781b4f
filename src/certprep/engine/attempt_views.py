"""What an attempt looks like to the layers above it: the view of one attempt and its questions,
a summary for lists, what an answer returns, and what a finishing attempt reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.orm import Session

from certprep.bank.items import AnyItem
from certprep.engine.forms import Form, Section
from certprep.engine.order import shuffled
from certprep.engine.scoring import body_of
from certprep.errors import UnknownChoice

QuestionRef = str | int  # a question key, or its 0-based position in the attempt (what the web sends)


def label(ref: QuestionRef) -> str:
    """How an error names a question: its number (1-based) or its key."""
    return str(ref + 1) if isinstance(ref, int) else ref


INTRO_KINDS = ("problem_solution", "case_study")  # sections that open with an intro screen
STRIKABLE = ("single", "multiple")  # item bodies whose options can be struck through


@dataclass(frozen=True)
class Finished:
    """What a finishing attempt reports to the layer above it (the review queue listens): the
    answered questions as (key, share of points, confidence)."""

    user: str
    at: dt.datetime
    answers: list[tuple[str, float, str | None]]


# Called inside the transaction that finishes the attempt, so what it writes lands with the score.
OnFinish = Callable[[Session, Finished], None]


@dataclass
class QuestionState:
    key: str
    item: AnyItem
    part: str | None
    section: int
    position: int
    response: object | None
    flagged: bool
    points: int | None
    max_points: int
    order: str  # seeds the order of the choices shown (see engine/order.py)
    confidence: str | None = None
    struck: list[int] = field(default_factory=list)  # shown positions (1-based) of options struck through
    revealed: bool = False  # its answer was shown before answering: 0 points, and final

    @cached_property  # templates read it many times per page; the shuffle is the same every time
    def body(self):
        return shuffled(body_of(self.item, self.part), self.order)

    @property
    def answered(self) -> bool:
        return self.response is not None

    @property
    def done(self) -> bool:
        """Nothing more to do on it: answered, or its answer was shown."""
        return self.answered or self.revealed


@dataclass
class AttemptView:
    id: int
    exam: str
    mode: str
    status: str
    feedback: str
    started_at: dt.datetime
    deadline: dt.datetime | None
    finished_at: dt.datetime | None
    section: int
    position: int
    form: Form
    questions: list[QuestionState]
    result: dict | None
    intro_seen: int = -1

    @property
    def open(self) -> bool:
        return self.status == "open"

    @property
    def intro_due(self) -> str | None:
        """The kind of the current section when its intro screen is still to be shown
        (a problem–solution set or a case study, once, as the real exam does)."""
        kind = self.current_section().kind
        if self.open and kind in INTRO_KINDS and self.intro_seen < self.section:
            return kind
        return None

    @property
    def feedback_now(self) -> bool:
        """Practice that shows the key after each answer: such an answer is final."""
        return self.mode == "practice" and self.feedback == "now"

    def section_questions(self, index: int | None = None) -> list[QuestionState]:
        index = self.section if index is None else index
        return [q for q in self.questions if q.section == index]

    def current(self) -> QuestionState | None:
        qs = self.section_questions()
        return qs[min(self.position, len(qs) - 1)] if qs else None

    def current_section(self) -> Section:
        return self.form.sections[min(self.section, len(self.form.sections) - 1)]

    def remaining(self, now: dt.datetime) -> dt.timedelta | None:
        return None if self.deadline is None else max(self.deadline - now, dt.timedelta(0))

    def question(self, ref: QuestionRef) -> QuestionState:
        for q in self.questions:
            if q.key == ref or q.position == ref:
                return q
        raise UnknownChoice("question", label(ref), [f"1 to {len(self.questions)}"])


@dataclass
class AttemptSummary:
    """An attempt without its questions: what lists of attempts show."""

    id: int
    exam: str
    mode: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    result: dict | None


@dataclass
class Feedback:
    """What a practice attempt with feedback "now" shows right after an answer."""

    points: int
    max_points: int


@dataclass
class Answered:
    """The outcome of `answer(…, advance=True)`: feedback (practice, "now") and where it moved."""

    feedback: Feedback | None
    last_in_section: bool
    mode: str = "exam"  # the attempt's; only a check ("check") has more to do after an answer
