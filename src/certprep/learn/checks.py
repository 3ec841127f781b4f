"""Adaptive readiness checks as attempts.

A check is an attempt of mode "check" with one section that grows: it starts with one question,
and each answer, once stored, chooses the next (learn/adaptive.py) or finishes the check, in the
same way any attempt stores its answers (every answer committed when given). Answers in a check
are final: the next question depends on them. Its answers then count like any attempt's for
readiness, the review queue and item statistics.

The next question is drawn from a generator seeded by the check's seed and the number of
questions asked, so a check resumed after a crash asks what it would have asked.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from certprep.bank.blueprint import Blueprint
from certprep.bank.loader import Bank
from certprep.engine.attempts import Answered, Attempts, AttemptView
from certprep.engine.forms import Form, Section
from certprep.errors import AttemptError
from certprep.learn.adaptive import MAX_QUESTIONS, MIN_QUESTIONS, Pool, check_result

MODE = "check"


def _rng(seed: int, asked: int) -> np.random.Generator:
    return np.random.default_rng([seed, asked])


class Checks:
    """Starts and drives adaptive checks over an attempt service and today's bank."""

    def __init__(self, attempts: Attempts, bank: Bank, calibrated: dict | None = None) -> None:
        from certprep.learn.readiness import load_calibration

        self.attempts, self.bank = attempts, bank
        self.calibrated = load_calibration(attempts.store) if calibrated is None else calibrated
        self._pools: dict[str, Pool] = {}

    def pool(self, bp: Blueprint) -> Pool:
        if bp.code not in self._pools:
            self._pools[bp.code] = Pool(self.bank, bp, self.calibrated)
        return self._pools[bp.code]

    def form(self, bp: Blueprint, seed: int | None = None) -> Form:
        pool = self.pool(bp)
        if len(pool) < MAX_QUESTIONS:
            raise AttemptError(f"a check needs at least {MAX_QUESTIONS} live standalone {bp.code} questions; "
                               f"the bank has {len(pool)}")
        seed = random.randrange(2**31) if seed is None else seed
        first = pool.next([], _rng(seed, 0))
        return Form(bp.code, MODE, [Section("questions", "Quick check", [first], revisit=False)], seed,
                    self.bank.version, meta={"min_questions": MIN_QUESTIONS, "max_questions": MAX_QUESTIONS})

    def start(self, bp: Blueprint, seed: int | None = None) -> int:
        return self.attempts.start(self.form(bp, seed), self.bank)

    def advance(self, attempt_id: int) -> AttemptView:
        """Ask the next question or finish, if the current one is answered (else nothing)."""
        view = self.attempts.get(attempt_id)
        if view.mode != MODE:
            raise AttemptError(f"attempt {attempt_id} is a {view.mode}, not an adaptive check")
        if not view.open:
            return view
        pool = self.pool(self.attempts.blueprints[view.exam])

        def known(answers) -> list[tuple[str, float]]:
            # A question no longer in today's bank cannot be placed on the scale; it still counts
            # for review and statistics, like any answer.
            return [(key, share) for key, _, _, share in answers if key in pool.index]

        def choose(answers) -> str | None:
            mine = known(answers)
            if pool.decide(mine).done:
                return None
            return pool.next(mine, _rng(view.form.seed, len(answers)))

        def finish(answers) -> dict:
            readiness, decision = pool.result(known(answers))
            outcome = check_result(readiness, decision)
            # The check's own estimate replaces the raw score of the questions asked, which
            # means little when each learner was asked questions near their own level.
            return {"check": outcome, "scaled_score": outcome["expected_scaled_score"],
                    "passed": outcome["call"] == "pass",
                    "domains": [{"id": d["id"], "name": d["name"], "percent": round(100 * (d["mastery"] or 0), 1)}
                                for d in outcome["domains"]]}

        return self.attempts.grow(attempt_id, self.bank, choose, finish)

    def answer(self, attempt_id: int, key: str, response: object | None, confidence: str | None = None,
               read: Callable[[object], object | None] | None = None) -> tuple[Answered, AttemptView]:
        """Store an answer to the current question, then go on (next question or the result)."""
        view = self.attempts.get(attempt_id)
        current = view.current()
        if view.open and current is not None and key != current.key:
            raise AttemptError(f"{key}: a check takes answers to its current question only")
        answered = self.attempts.answer_and_advance(attempt_id, key, response, confidence=confidence, read=read)
        return answered, self.advance(attempt_id)


__all__ = ["MODE", "Checks"]
