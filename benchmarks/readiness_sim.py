"""Readiness on simulated learners: how often is the pass/fail verdict right, and is the chance
of passing calibrated? For the fixed 35-question diagnostic and, with --adaptive, the adaptive
check (learn/adaptive.py), under two truths.

Each simulated learner has a known ability θ ~ N(0, 1.2²). The "true" item parameters are the
authored priors misspecified: a ~ U(0.7, 1.8), b = prior + N(0, 0.5²). Two truths:

- 2PL: P(point) = σ(a(θ − b)), the family readiness itself assumes (flattering to it);
- 3PL: P(point) = c + (1 − c)·σ(a(θ − b)), with guessing: c is the chance of a blind pick for
  one point, 1/options for single answer and drop-down blanks, lower for multiple answer
  (1/options for each key option), matching (1/sources) and build list (1/steps); ½ for a
  Yes/No statement or a problem–solution answer.

A question's share of points is binomial over its points. Truth: passing means the true
expected share on a typical form (every question, each domain by the middle of its weight
range) is at or above the cut. Readiness is estimated with the authored priors only (a new
bank; readiness's 2PL knows nothing of guessing) and, for the 2PL truth, with the true
parameters (a fully calibrated bank). Printed per case: verdict agreement (P(pass) ≥ 0.5 vs
the truth), Brier score, expected calibration error (10 bins), mean |scaled score error|, and
for the adaptive check the questions asked (median, max) and the largest exposure (the share of
checks that asked the most-asked question).

Goals: diagnostic agreement ≥ 0.90 (issue 6); adaptive agreement ≥ 0.95 in a median of ≤ 15
and at most 25 questions, ECE ≤ 0.05, no question in more than 25 % of checks (issue 17).
With --format json (needs --adaptive): the 3PL truth, priors, as
{"adaptive": {"agreement", "median_items", "max_items", "ece", "max_exposure"},
 "diagnostic": {"agreement", "ece"}}.

    .venv/bin/python benchmarks/readiness_sim.py [--adaptive] [--exam ai-103] [--learners 1000] [--seed 1] [--format json]
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from dataclasses import dataclass

import numpy as np

from certprep.bank.items import (
    BuildListBody, DropdownBody, MatchingBody, MultipleBody, SingleBody, SolutionBody, YesNoBody, question_key,
)
from certprep.bank.loader import content_root, load_bank, load_exams, question_domain
from certprep.engine.forms import diagnostic_form, exam_form
from certprep.engine.scoring import body_of, scaled_score
from certprep.learn.adaptive import Pool
from certprep.learn.irt import ItemParams, p_correct
from certprep.learn.readiness import estimate, question_params, reference


def expected_calibration_error(p: np.ndarray, truth: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    return float(sum(abs(p[which == k].mean() - truth[which == k].mean()) * (which == k).mean()
                     for k in range(bins) if (which == k).any()))


def guessing(body) -> float:
    """The chance of a blind pick earning one point of the question."""
    if isinstance(body, (SingleBody, MultipleBody)):
        return 1 / len(body.options)
    if isinstance(body, MatchingBody):
        return 1 / len(body.sources)
    if isinstance(body, BuildListBody):
        return 1 / len(body.steps)
    if isinstance(body, DropdownBody):
        return float(np.mean([1 / len(b.options) for b in body.blanks]))
    if isinstance(body, (YesNoBody, SolutionBody)):
        return 0.5
    raise TypeError(body)


@dataclass(frozen=True)
class Truth:
    name: str
    params: dict[str, tuple[float, float, float]]  # key: (a, b, c)

    def p(self, key: str, theta: float) -> float:
        a, b, c = self.params[key]
        return c + (1 - c) * float(p_correct(np.array(theta), a, b))


class Case:
    def __init__(self) -> None:
        self.p: list[float] = []
        self.truth: list[bool] = []
        self.err: list[float] = []
        self.items: list[int] = []
        self.exposure: Counter = Counter()

    def add(self, p_pass: float, passes: bool, err: float) -> None:
        self.p.append(p_pass)
        self.truth.append(passes)
        self.err.append(err)

    def summary(self) -> dict:
        p, truth = np.array(self.p), np.array(self.truth, dtype=float)
        out = {"agreement": round(float(((p >= 0.5) == (truth == 1)).mean()), 3),
               "brier": round(float(((p - truth) ** 2).mean()), 3),
               "ece": round(expected_calibration_error(p, truth), 3),
               "scaled_error": round(float(np.mean(self.err)), 1)}
        if self.items:
            out |= {"median_items": float(np.median(self.items)), "max_items": int(max(self.items)),
                    "max_exposure": round(max(self.exposure.values()) / len(self.items), 3)}
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exam", default="ai-103")
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--adaptive", action="store_true", help="also run the adaptive check")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args()
    if args.format == "json" and not args.adaptive:
        parser.error("--format json reports the adaptive check: add --adaptive")
    rng, pyrng = np.random.default_rng(args.seed), random.Random(args.seed)
    content = content_root()
    bank, bp = load_bank(content / "items"), load_exams(content)[args.exam]
    questions = [(item, part) for item in bank.for_exam(bp) for part, _ in item.parts()
                 if question_domain(item, part, bp)]
    keys = [question_key(i.id, p) for i, p in questions]
    a_b = {}
    for (item, part), key in zip(questions, keys):
        prior = question_params(item, part, {})
        a_b[key] = (float(rng.uniform(0.7, 1.8)), prior.b + float(rng.normal(0, 0.5)))
    truths = [Truth("2PL", {k: (a, b, 0.0) for k, (a, b) in a_b.items()}),
              Truth("3PL", {k: (a, b, guessing(body_of(i, p))) for (i, p), (k, (a, b)) in zip(questions, a_b.items())})]
    calibrated = {k: ItemParams(a, b, calibrated=True) for k, (a, b) in a_b.items()}
    # The truth's typical form: every question, each domain weighted by the middle of its range.
    weight_of = {d.id: (d.weight_min + d.weight_max) / 2 for d in bp.domains}
    domains = [question_domain(item, part, bp) for item, part in questions]
    counts = Counter(domains)
    weights = np.array([weight_of[d] / counts[d] for d in domains])
    refs = {"priors": reference(bank, bp, {}), "calibrated": reference(bank, bp, calibrated)}
    known = {"priors": {}, "calibrated": calibrated}
    pool = Pool(bank, bp)  # priors only: a new bank
    diagnostic = diagnostic_form(bank, bp)
    most = {k: body_of(i, p).max_points() for (i, p), k in zip(questions, keys)}

    def answer(truth: Truth, key: str, theta: float) -> float:
        return rng.binomial(most[key], truth.p(key, theta)) / most[key]

    def take(truth: Truth, form, theta: float):
        out = []
        for key in form.keys():
            item_id, _, part = key.partition("/")
            out.append((bank.items[item_id], part or None, answer(truth, key, theta)))
        return out

    cases: dict[tuple[str, str], Case] = {}
    for truth in truths:
        for _ in range(args.learners):
            theta = float(rng.normal(0, 1.2))
            share = float(sum(w * truth.p(k, theta) for w, k in zip(weights, keys)) / weights.sum())
            passes = share >= bp.passing.raw_cut
            true_scaled = scaled_score(share, bp.passing.raw_cut, bp.passing.scaled)
            diag = take(truth, diagnostic, theta)
            runs = [("diagnostic", diag, "priors")]
            if truth.name == "2PL":
                both = diag + take(truth, exam_form(bank, bp, seed=pyrng.randrange(2**31)), theta)
                runs += [("diagnostic", diag, "calibrated"), ("diagnostic + exam", both, "priors"),
                         ("diagnostic + exam", both, "calibrated")]
            for name, outcomes, params in runs:
                r = estimate(bank, bp, outcomes, known[params], refs[params])
                cases.setdefault((truth.name, f"{name}, {params}"), Case()).add(
                    r.p_pass, passes, abs(r.expected_scaled - true_scaled))
            if args.adaptive:
                answers: list[tuple[str, float]] = []
                check_rng = np.random.default_rng(rng.integers(2**63))
                while not pool.decide(answers).done:
                    key = pool.next(answers, check_rng)
                    answers.append((key, answer(truth, key, theta)))
                readiness, decision = pool.result(answers)
                case = cases.setdefault((truth.name, "adaptive check, priors"), Case())
                case.add(decision.p_pass, passes, abs(readiness.expected_scaled - true_scaled))
                case.items.append(len(answers))
                case.exposure.update(k for k, _ in answers)

    summaries = {k: c.summary() for k, c in cases.items()}
    if args.format == "json":
        adaptive, diag = summaries[("3PL", "adaptive check, priors")], summaries[("3PL", "diagnostic, priors")]
        print(json.dumps({"adaptive": {k: adaptive[k] for k in ("agreement", "median_items", "max_items", "ece",
                                                                 "max_exposure")},
                          "diagnostic": {k: diag[k] for k in ("agreement", "ece")}}, indent=2))
        return
    print(f"{args.learners} simulated learners per truth on {bp.exam} ({len(questions)} live questions, "
          f"{len(pool)} standalone in the check's pool)")
    print(f"{'truth':<6} {'case':<32} {'agreement':>9} {'Brier':>6} {'ECE':>6} {'|scaled err|':>12} "
          f"{'items med/max':>13} {'max exposure':>12}")
    for (truth, case), s in summaries.items():
        items = f"{s['median_items']:g}/{s['max_items']}" if "median_items" in s else ""
        exposure = f"{s['max_exposure']:.3f}" if "max_exposure" in s else ""
        print(f"{truth:<6} {case:<32} {s['agreement']:9.3f} {s['brier']:6.3f} {s['ece']:6.3f} "
              f"{s['scaled_error']:12.1f} {items:>13} {exposure:>12}")
    print("goals: diagnostic agreement >= 0.90; adaptive agreement >= 0.95, median <= 15 and max <= 25 questions, "
          "ECE <= 0.05, max exposure <= 0.25")


if __name__ == "__main__":
    main()
