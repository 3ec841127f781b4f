"""Scoring: responses checked and normalised per type, points per question, the score report.

The rules, and why, are in docs/scoring.md. One point per component: single answer is all or
nothing; every other type earns a point per correct key option, target, slot, blank,
statement or solution. No penalty for guessing. The scaled score is an estimate (see
`scaled_score`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import (
    AnyItem, BuildListBody, DropdownBody, MatchingBody, MultipleBody, SingleBody, SolutionBody,
    YesNoBody, question_skills,
)
from certprep.bank.loader import question_domain
from certprep.errors import InvalidResponse

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


def _yes_no(value: object, what: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in YES | NO:
        return value.strip().lower() in YES
    raise InvalidResponse(f"{what}: answer yes or no, not {value!r}")


def _mapping(value: object, keys: set[str], values_of, what: str) -> dict:
    if not isinstance(value, dict):
        raise InvalidResponse(f"expected a mapping of {what}, got {value!r}")
    out = {}
    for k, v in value.items():
        if k not in keys:
            raise InvalidResponse(f"unknown {what} {k!r}; valid: {', '.join(sorted(keys))}")
        out[k] = values_of(k, v)
    return out


def _choice(value: object, ids: list[str], what: str = "option") -> str:
    if not isinstance(value, str) or value not in ids:
        raise InvalidResponse(f"unknown {what} {value!r}; valid: {', '.join(ids)}")
    return value


def normalize(body, response: object) -> object:
    """Check a response against a question and return it in canonical form (JSON-ready)."""
    if isinstance(body, SingleBody):
        return _choice(response, [o.id for o in body.options])
    if isinstance(body, MultipleBody):
        if isinstance(response, str):
            response = [response]
        if not isinstance(response, list):
            raise InvalidResponse(f"expected a list of option ids, got {response!r}")
        ids = [o.id for o in body.options]
        chosen = sorted({_choice(r, ids) for r in response})
        if len(chosen) > body.choose:
            raise InvalidResponse(f"choose at most {body.choose} options, not {len(chosen)}")
        return chosen
    if isinstance(body, MatchingBody):
        sources = [s.id for s in body.sources]
        return _mapping(response, {t.id for t in body.targets}, lambda _k, v: _choice(v, sources, "source"), "target")
    if isinstance(body, BuildListBody):
        if not isinstance(response, list):
            raise InvalidResponse(f"expected an ordered list of step ids, got {response!r}")
        ids = [s.id for s in body.steps]
        steps = [_choice(r, ids, "step") for r in response]
        if len(set(steps)) != len(steps):
            raise InvalidResponse("a step can be placed only once")
        if len(steps) > len(body.key):
            raise InvalidResponse(f"the answer area has {len(body.key)} slots, not {len(steps)}")
        return steps
    if isinstance(body, DropdownBody):
        blanks = {b.id: b for b in body.blanks}
        return _mapping(response, set(blanks), lambda k, v: _choice(v, [o.id for o in blanks[k].options]), "blank")
    if isinstance(body, YesNoBody):
        return _mapping(response, {s.id for s in body.statements}, lambda k, v: _yes_no(v, f"statement {k}"), "statement")
    if isinstance(body, SolutionBody):
        return _yes_no(response, "solution")
    raise InvalidResponse(f"cannot answer a {type(body).__name__}")


def points(body, response: object | None) -> int:
    """Points earned by a normalised response (None: unanswered)."""
    if response is None:
        return 0
    if isinstance(body, SingleBody):
        return int(response == body.key)
    if isinstance(body, MultipleBody):
        return len(set(response) & set(body.key))  # type: ignore[arg-type]
    if isinstance(body, MatchingBody):
        return sum(response.get(t) == s for t, s in body.key.items())  # type: ignore[union-attr]
    if isinstance(body, BuildListBody):
        return sum(i < len(response) and response[i] == k for i, k in enumerate(body.key))  # type: ignore[arg-type]
    if isinstance(body, DropdownBody):
        return sum(response.get(b.id) == b.key for b in body.blanks)  # type: ignore[union-attr]
    if isinstance(body, YesNoBody):
        return sum(response.get(s.id) is s.key for s in body.statements)  # type: ignore[union-attr]
    if isinstance(body, SolutionBody):
        return int(response is body.solution.key)
    raise InvalidResponse(f"cannot score a {type(body).__name__}")


def body_of(item: AnyItem, part: str | None):
    for p, body in item.parts():
        if p == part:
            return body
    raise InvalidResponse(f"item {item.id} has no part {part!r}")


def scaled_score(fraction: float, cut: float, scaled_cut: int = 700) -> int:
    """Map a share of raw points to 1–1000, with `cut` landing on `scaled_cut` (700).

    Two straight lines: 0 → 1, cut → 700, all → 1000. Microsoft does not publish its
    mapping, so this is an estimate; see docs/scoring.md.
    """
    fraction = min(max(fraction, 0.0), 1.0)
    if fraction <= cut:
        value = 1 + (scaled_cut - 1) * fraction / cut
    else:
        value = scaled_cut + (1000 - scaled_cut) * (fraction - cut) / (1 - cut)
    return math.floor(value + 0.5)  # half up, not Python's half-to-even


@dataclass
class Tally:
    points: int = 0
    max: int = 0

    @property
    def percent(self) -> float:
        return round(100 * self.points / self.max, 1) if self.max else 0.0


@dataclass
class QuestionResult:
    key: str
    item_id: str
    part: str | None
    points: int
    max: int
    answered: bool
    domain: str | None


@dataclass
class Report:
    exam: str
    points: int
    max: int
    scaled: int
    passed: bool
    domains: dict[str, Tally]
    skills: dict[str, Tally]
    questions: list[QuestionResult]
    weakest: list[str] = field(default_factory=list)
    passing: int = 700
    domain_names: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "exam": self.exam,
            "points": self.points,
            "max_points": self.max,
            "percent": Tally(self.points, self.max).percent,
            "scaled_score": self.scaled,
            "passing_score": self.passing,
            "passed": self.passed,
            "domains": [{"id": d, "name": self.domain_names.get(d, d), "points": t.points, "max_points": t.max,
                         "percent": t.percent} for d, t in self.domains.items()],
            "skills": [{"id": s, "points": t.points, "max_points": t.max, "percent": t.percent}
                       for s, t in self.skills.items()],
            "weakest_domains": self.weakest,
            "questions": [{"key": q.key, "points": q.points, "max_points": q.max, "answered": q.answered}
                          for q in self.questions],
        }


def score(questions: list[tuple[str, AnyItem, str | None]], responses: dict[str, object], bp: Blueprint) -> Report:
    """Score delivered questions `(key, item, part)` against normalised `responses` by key."""
    domains = {d.id: Tally() for d in bp.domains}
    skills: dict[str, Tally] = {}
    results, total = [], Tally()
    for key, item, part in questions:
        body = body_of(item, part)
        got, most = points(body, responses.get(key)), body.max_points()
        domain = question_domain(item, part, bp)
        results.append(QuestionResult(key, item.id, part, got, most, key in responses, domain))
        total.points += got
        total.max += most
        if domain:
            domains[domain].points += got
            domains[domain].max += most
        for s in question_skills(item, part):
            if s in bp.skills:
                t = skills.setdefault(s, Tally())
                t.points += got
                t.max += most
    fraction = total.points / total.max if total.max else 0.0
    scaled = scaled_score(fraction, bp.passing.raw_cut, bp.passing.scaled)
    passed = scaled >= bp.passing.scaled
    tested = {d: t for d, t in domains.items() if t.max}
    weakest = [] if passed else sorted(tested, key=lambda d: (tested[d].percent, d))[:3]
    return Report(bp.code, total.points, total.max, scaled, passed, tested, skills, results, weakest,
                  bp.passing.scaled, {d.id: d.name for d in bp.domains})
