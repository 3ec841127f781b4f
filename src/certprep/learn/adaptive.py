"""The adaptive readiness check (computerized adaptive testing): which question to ask next, and
when the pass/fail call is sure enough to stop. Pure logic; learn/checks.py stores it.

- Pool: every live standalone question of the exam (case studies and problem–solution sets are
  left out: their questions share one scenario, so they are not independent answers, and a set
  of four would take a fifth of a short check).
- Ability: the readiness posterior (learn/irt.py: 2PL, EAP on a grid, authored priors until
  calibrated), so a check and `certprep readiness` read answers the same way.
- Next question: the domain furthest below its blueprint share (the middle of its weight range)
  gives the question; within it, one of the BIN most informative unasked questions at the
  current ability estimate, drawn at random (randomesque exposure control, Kingsbury & Zara).
- Stop: after at least MIN_QUESTIONS, as soon as the 90 % interval of the scaled score lies
  wholly above or below the pass mark (the chance of passing is above 95 % or below 5 %), and
  in any case after MAX_QUESTIONS.

docs/learning.md says this in plain words, and why `catsim` is a test oracle, not the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import AnyItem, CaseStudyItem, ProblemSolutionItem, question_key
from certprep.bank.loader import Bank, question_domain
from certprep.learn.irt import GRID, ItemParams, p_correct, posterior
from certprep.learn.readiness import Readiness, Reference, question_params, reference, summarise

MIN_QUESTIONS = 10
MAX_QUESTIONS = 25
LEVEL = 0.90  # the interval that must exclude the pass mark
BIN = 10  # randomesque: draw from this many most informative questions (exposure control)


def information(theta: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Fisher information of 2PL questions at `theta`: a²·P·(1 − P)."""
    p = p_correct(np.asarray(theta), a, b)
    return a**2 * p * (1 - p)


@dataclass(frozen=True)
class Decision:
    asked: int
    p_pass: float
    done: bool


class Pool:
    """The questions a check may ask for one exam, with their parameters and domains."""

    def __init__(self, bank: Bank, bp: Blueprint, calibrated: dict[str, ItemParams] | None = None) -> None:
        calibrated = calibrated or {}
        self.bp = bp
        items: list[AnyItem] = sorted((i for i in bank.for_exam(bp)
                                       if not isinstance(i, (CaseStudyItem, ProblemSolutionItem))), key=lambda i: i.id)
        rows = [(question_key(i.id, None), question_domain(i, None, bp), question_params(i, None, calibrated))
                for i in items]
        rows = [r for r in rows if r[1] is not None]
        self.keys = [k for k, _, _ in rows]
        self.index = {k: n for n, k in enumerate(self.keys)}
        self.domain = np.array([d for _, d, _ in rows])
        self.a = np.array([p.a for _, _, p in rows])
        self.b = np.array([p.b for _, _, p in rows])
        mid = {d.id: (d.weight_min + d.weight_max) / 2 for d in bp.domains}
        total = sum(mid.values())
        self.target = {d: w / total for d, w in mid.items()}
        self.ref: Reference = reference(bank, bp, calibrated)

    def __len__(self) -> int:
        return len(self.keys)

    def params(self, key: str) -> ItemParams:
        n = self.index[key]
        return ItemParams(float(self.a[n]), float(self.b[n]))

    def posterior(self, answers: list[tuple[str, float]]) -> np.ndarray:
        """The ability posterior from (question key, share of points) pairs."""
        return posterior([(self.params(k), x) for k, x in answers])

    def decide(self, answers: list[tuple[str, float]], post: np.ndarray | None = None) -> Decision:
        post = self.posterior(answers) if post is None else post
        p_pass = float(post[self.ref.share >= self.ref.cut].sum())
        tail = (1 - LEVEL) / 2
        sure = p_pass > 1 - tail or p_pass < tail
        n = len(answers)
        return Decision(n, p_pass, n >= MAX_QUESTIONS or n >= len(self) or (n >= MIN_QUESTIONS and sure))

    def next(self, answers: list[tuple[str, float]], rng: np.random.Generator,
             post: np.ndarray | None = None) -> str:
        """The next question's key after `answers` (keys asked so far, with their share of points)."""
        post = self.posterior(answers) if post is None else post
        theta = float((post * GRID).sum())
        asked = np.zeros(len(self), dtype=bool)
        asked[[self.index[k] for k, _ in answers]] = True
        counts = {d: int(((self.domain == d) & asked).sum()) for d in self.target}
        n = len(answers) + 1
        # The domain furthest below its share of the next n questions; ties go to the larger share.
        for d in sorted(self.target, key=lambda d: (counts[d] - self.target[d] * n, -self.target[d], d)):
            open_ = np.flatnonzero((self.domain == d) & ~asked)
            if open_.size:
                break
        else:
            raise ValueError("every question of the pool has been asked")
        info = information(theta, self.a[open_], self.b[open_])
        shuffled = rng.permutation(open_.size)  # equal information: any of them, not the first by id
        best = shuffled[np.argsort(-info[shuffled], kind="stable")][:BIN]
        return self.keys[int(open_[rng.choice(best)])]

    def result(self, answers: list[tuple[str, float]]) -> tuple[Readiness, Decision]:
        """The check's outcome: readiness from its own answers, and the stopping decision."""
        post = self.posterior(answers)
        per_domain: dict[str, int] = {}
        for k, _ in answers:
            d = str(self.domain[self.index[k]])
            per_domain[d] = per_domain.get(d, 0) + 1
        return summarise(self.bp, self.ref, post, per_domain), self.decide(answers, post)


def check_result(readiness: Readiness, decision: Decision) -> dict:
    """What a finished check reports (stored with the attempt's result)."""
    return {"asked": decision.asked, "probability_of_passing": round(decision.p_pass, 3),
            "call": "pass" if decision.p_pass >= 0.5 else "fail", "sure": decision.p_pass > 1 - (1 - LEVEL) / 2
            or decision.p_pass < (1 - LEVEL) / 2, "expected_scaled_score": readiness.expected_scaled,
            "interval_90": [readiness.low, readiness.high], "ability": round(readiness.theta, 3),
            "domains": readiness.domains}


__all__ = ["BIN", "LEVEL", "MAX_QUESTIONS", "MIN_QUESTIONS", "Decision", "Pool", "check_result", "information"]
