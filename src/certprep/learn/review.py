"""Spaced repetition of a learner's own mistakes, scheduled with FSRS (the `fsrs` package).

Outcome to FSRS rating (docs/learning.md):

    share of points 0                  -> Again
    0 < share < 1 (partly wrong)       -> Hard
    all right, confidence low          -> Hard
    all right, confidence high         -> Easy
    all right otherwise                -> Good

A question enters the queue when it is rated Again or Hard; once queued, every later outcome
(in an attempt or a review) updates its card. All datetimes are UTC; fuzzing is off so that a
schedule can be tested and reproduced.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fsrs import Card, Rating, ReviewLog, Scheduler
from sqlalchemy import select
from sqlalchemy.orm import Session

from certprep.engine.order import shuffled
from certprep.engine.scoring import body_of
from certprep.errors import MissingExtra
from certprep.store.models import ReviewCard, ReviewEvent

if TYPE_CHECKING:
    from certprep.engine.attempts import Finished


def rating_for(share: float, confidence: str | None = None) -> Rating:
    if share <= 0:
        return Rating.Again
    if share < 1 or confidence == "low":
        return Rating.Hard
    return Rating.Easy if confidence == "high" else Rating.Good


def scheduler(parameters: Iterable[float] | None = None) -> Scheduler:
    kw = {"parameters": tuple(parameters)} if parameters is not None else {}
    return Scheduler(enable_fuzzing=False, **kw)


def queue_mistakes(s: Session, finished: Finished) -> None:
    """A finished attempt's answers rate their questions' cards, and its mistakes open new ones:
    pass it as `Attempts(..., on_finish=queue_mistakes)`."""
    for key, share, confidence in finished.answers:
        record(s, finished.user, key, rating_for(share, confidence), finished.at)


def record(s: Session, user: str, key: str, rating: Rating, at: dt.datetime) -> None:
    """Log the outcome and update (or, for a mistake, open) the question's card."""
    s.add(ReviewEvent(user_id=user, key=key, rating=int(rating), at=at))
    row = s.get(ReviewCard, (user, key))
    if row is None and rating not in (Rating.Again, Rating.Hard):
        return
    card = Card.from_dict(row.card) if row else Card(due=at)
    card, _ = scheduler().review_card(card, rating, at)
    if row is None:
        s.add(ReviewCard(user_id=user, key=key, card=card.to_dict(), due=card.due))
    else:
        row.card, row.due = card.to_dict(), card.due


def due(s: Session, user: str, now: dt.datetime, limit: int = 50) -> list[str]:
    """Question keys due now, most overdue first."""
    rows = s.scalars(select(ReviewCard.key).where(ReviewCard.user_id == user, ReviewCard.due <= now)
                     .order_by(ReviewCard.due).limit(limit))
    return list(rows.all())


def token_of(s: Session, user: str, key: str) -> str:
    """What the review page posts back for a card: an opaque token, not the question key."""
    return s.scalars(select(ReviewCard.token).where(ReviewCard.user_id == user, ReviewCard.key == key)).one()


def key_of(s: Session, user: str, token: str) -> str | None:
    """The question key of this learner's card with `token`, or None."""
    return s.scalars(select(ReviewCard.key).where(ReviewCard.user_id == user, ReviewCard.token == token)).first()


def shown(item, part: str | None, key: str, now: dt.datetime):
    """A due question as the review shows it: choices in a fresh order each day, so a
    mistake is relearned, not the position of its answer."""
    return shuffled(body_of(item, part), f"review/{key}/{now.date().isoformat()}")


def queued(s: Session, user: str) -> int:
    return len(s.scalars(select(ReviewCard.key).where(ReviewCard.user_id == user)).all())


# ---- fitting and checking the model on review logs


@dataclass(frozen=True)
class ReviewEventData:
    card: str
    rating: int
    at: dt.datetime


def fit_parameters(events: list[ReviewEventData]) -> list[float]:
    """FSRS parameters fitted to one learner's events (fewer than 512: the defaults).

    Needs the `optimizer` extra (torch): without it, raises MissingExtra naming the pip command."""
    for module in ("torch", "pandas", "tqdm"):  # without them fsrs hands out a stub Optimizer
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise MissingExtra("fitting FSRS parameters to your own reviews", "optimizer", module) from exc
    from fsrs import Optimizer

    ids = {c: i for i, c in enumerate(dict.fromkeys(e.card for e in events))}
    logs = [ReviewLog(card_id=ids[e.card], rating=Rating(e.rating), review_datetime=e.at, review_duration=None)
            for e in events]
    return list(Optimizer(logs).compute_optimal_parameters())


def predicted_recall(parameters: Iterable[float], events: list[ReviewEventData],
                     since: dt.datetime) -> list[tuple[float, bool]]:
    """(predicted probability of recall, recalled?) for each review at or after `since` that
    falls on a later day than the card's previous review, replaying every card's history."""
    sched = scheduler(parameters)
    cards: dict[str, Card] = {}
    out = []
    for e in sorted(events, key=lambda e: e.at):
        card = cards.get(e.card)
        if card is not None and e.at >= since and e.at.date() > card.last_review.date():
            # FSRS counts elapsed time in whole days (as its optimizer does): a review just after
            # midnight is one day after one just before it.
            days = (e.at.date() - card.last_review.date()).days
            out.append((sched.get_card_retrievability(card, card.last_review + dt.timedelta(days=days)), e.rating > 1))
        cards[e.card], _ = sched.review_card(card or Card(due=e.at), Rating(e.rating), e.at)
    return out
