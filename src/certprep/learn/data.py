"""Response data from stored attempts, for calibration and item statistics (all learners)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import delete, select

from certprep.bank.items import MultipleBody, SingleBody, split_question_key
from certprep.bank.loader import Bank
from certprep.engine.scoring import body_of
from certprep.learn.irt import MIN_RESPONSES, calibrate
from certprep.learn.itemstats import ItemStats, item_statistics
from certprep.store.db import Store
from certprep.store.models import Attempt, AttemptQuestion, CalibratedItem


def scored_rows(store: Store) -> list[tuple[int, str, int, int, object]]:
    """(attempt, question key, points, max points, response) of every finished attempt."""
    with store.session.begin() as s:
        return [tuple(r) for r in s.execute(
            select(AttemptQuestion.attempt_id, AttemptQuestion.key, AttemptQuestion.points,
                   AttemptQuestion.max_points, AttemptQuestion.response)
            .join(Attempt).where(Attempt.status != "open", AttemptQuestion.points.is_not(None))).all()]


def matrix_of(rows, column_of) -> tuple[list[str], np.ndarray]:
    """Attempts × columns of point shares (NaN: not shown); `column_of(key)` names the column."""
    attempts = sorted({r[0] for r in rows})
    columns = sorted({column_of(r[1]) for r in rows})
    a_index, c_index = {a: i for i, a in enumerate(attempts)}, {c: j for j, c in enumerate(columns)}
    points = np.zeros((len(attempts), len(columns)))
    most = np.zeros_like(points)
    for attempt, key, got, top, _ in rows:
        i, j = a_index[attempt], c_index[column_of(key)]
        points[i, j] += got
        most[i, j] += top
    with np.errstate(invalid="ignore", divide="ignore"):
        return columns, np.where(most > 0, points / most, np.nan)


def calibrate_store(store: Store, clock=lambda: dt.datetime.now(dt.UTC), min_responses: int = MIN_RESPONSES) -> int:
    """Fit 2PL parameters for every question with enough responses; returns how many."""
    keys, matrix = matrix_of(scored_rows(store), lambda key: key)
    fitted = calibrate(matrix, min_responses) if keys else []
    now = clock()
    with store.session.begin() as s:
        s.execute(delete(CalibratedItem))
        for key, params in zip(keys, fitted):
            if params is not None:
                s.add(CalibratedItem(key=key, a=params.a, b=params.b, responses=params.responses, calibrated_at=now))
    return sum(p is not None for p in fitted)


def store_item_statistics(store: Store, bank: Bank) -> list[ItemStats]:
    """Item statistics over every finished attempt, with option use for choice items."""
    rows = scored_rows(store)
    ids, matrix = matrix_of(rows, lambda key: split_question_key(key)[0])
    options: dict[str, dict[str, int]] = {}
    distractors: dict[str, list[str]] = {}
    for _, key, _, _, response in rows:
        item_id, part = split_question_key(key)
        item = bank.items.get(item_id)
        if item is None or part is not None:
            continue
        body = body_of(item, None)
        if isinstance(body, (SingleBody, MultipleBody)):
            counts = options.setdefault(item_id, {o.id: 0 for o in body.options})
            for chosen in ([response] if isinstance(response, str) else response or []):
                counts[chosen] = counts.get(chosen, 0) + 1
            keys = {body.key} if isinstance(body, SingleBody) else set(body.key)
            distractors[item_id] = [o.id for o in body.options if o.id not in keys]
    return item_statistics(ids, matrix, options, distractors)
