"""Forms: which questions an attempt delivers, in which sections.

- Exam simulation: N questions (blueprint default 50) whose counts per domain fall inside the
  blueprint's weight ranges; a problem–solution set and a case study each as a section of its
  own after the main section.
- Diagnostic: one fixed form per exam and bank version (its seed comes from both), standalone
  items only, weighted by the blueprint.
- An exam or diagnostic given the learner's `seen` item ids takes unseen questions first within
  each domain's quota (so the blueprint's weights still hold), and seen ones only to fill a quota
  the unseen cannot; a learner new to the bank gets exactly the form without `seen`.
- Practice: items filtered by domain, skill, type and history, in a random order.

All randomness comes from a `random.Random(seed)`.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Set
from dataclasses import asdict, dataclass, field
from typing import Literal

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import ITEM_TYPES, AnyItem, CaseStudyItem, ProblemSolutionItem, question_key
from certprep.bank.loader import Bank, question_domain
from certprep.errors import FormError, UnknownChoice

MAX_PRACTICE = 1000  # items in one practice: more than a whole bank today, and a bound on the work
MAX_MINUTES = 600
SectionKind = Literal["questions", "problem_solution", "case_study"]
Mode = Literal["exam", "diagnostic", "practice", "check"]  # check: grows one question at a time (learn/checks.py)


@dataclass
class Section:
    kind: SectionKind
    title: str
    questions: list[str]
    revisit: bool = True  # False: an answered question is final and cannot be revisited


@dataclass
class Form:
    exam: str
    mode: Mode
    sections: list[Section]
    seed: int
    bank_version: str
    minutes: int | None = None
    meta: dict = field(default_factory=dict)

    def keys(self) -> list[str]:
        return [k for s in self.sections for k in s.questions]

    def item_ids(self) -> list[str]:
        return list(dict.fromkeys(k.partition("/")[0] for k in self.keys()))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Form:
        return cls(**{**data, "sections": [Section(**s) for s in data["sections"]]})


def keys_of(item: AnyItem) -> list[str]:
    return [question_key(item.id, part) for part, _ in item.parts()]


def _domains_of(item: AnyItem, bp: Blueprint) -> dict[str, int]:
    """Questions the item adds to each domain of `bp`."""
    out: dict[str, int] = {}
    for part, _ in item.parts():
        d = question_domain(item, part, bp)
        if d:
            out[d] = out.get(d, 0) + 1
    return out


def domain_ranges(bp: Blueprint, n: int) -> dict[str, tuple[int, int]]:
    """Whole-question bounds per domain: ceil(min% × n) … floor(max% × n)."""
    return {d.id: (-(-d.weight_min * n // 100), d.weight_max * n // 100) for d in bp.domains}


def _quotas(bp: Blueprint, n: int, rng: random.Random, supply: dict[str, int], floor: dict[str, int]) -> dict[str, int]:
    ranges = domain_ranges(bp, n)
    lo = {d: max(a, floor.get(d, 0)) for d, (a, _) in ranges.items()}
    hi = {d: min(b, supply.get(d, 0)) for d, (_, b) in ranges.items()}
    short = [d for d in lo if hi[d] < lo[d]]
    if short:
        detail = "; ".join(f"{d} needs at least {lo[d]}, the bank has {supply.get(d, 0)}" for d in short)
        raise FormError(f"not enough live {bp.code} questions for a {n}-question form: {detail} "
                        "(write more items for those domains, or ask for fewer questions)")
    if sum(lo.values()) > n or sum(hi.values()) < n:
        raise FormError(f"the {bp.code} weight ranges cannot add up to {n} questions with this bank "
                        f"(between {sum(lo.values())} and {sum(hi.values())} fit)")
    quota = dict(lo)
    for _ in range(n - sum(lo.values())):
        open_ = [d for d in quota if quota[d] < hi[d]]
        d = rng.choices(open_, weights=[hi[x] - quota[x] for x in open_])[0]
        quota[d] += 1
    return quota


@dataclass(frozen=True)
class _Pool:
    """An exam's live items in id order: its sets and case studies by kind, its standalone items
    per domain."""

    units: dict[type, list[AnyItem]]
    by_domain: dict[str, list[AnyItem]]

    def supply(self) -> dict[str, int]:
        return {d: len(items) for d, items in self.by_domain.items()}


_POOLS: dict[tuple[str, int], tuple[Blueprint, _Pool]] = {}


def _pool(bank: Bank, bp: Blueprint) -> _Pool:
    """Computed once per bank version and blueprint: every exam start needs it, and scanning the
    bank for it was a third of a start's CPU (benchmarks/README.md)."""
    key = (bank.version, id(bp))
    hit = _POOLS.get(key)
    if hit is None or hit[0] is not bp:  # the blueprint is held, so its id is not reused
        if len(_POOLS) >= 16:  # a server holds one bank; tests and reloads make more
            _POOLS.clear()
        units: dict[type, list[AnyItem]] = {ProblemSolutionItem: [], CaseStudyItem: []}
        by_domain: dict[str, list[AnyItem]] = {}
        for item in sorted(bank.for_exam(bp), key=lambda i: i.id):
            if type(item) in units:
                units[type(item)].append(item)
            elif d := question_domain(item, None, bp):
                by_domain.setdefault(d, []).append(item)
        hit = _POOLS[key] = (bp, _Pool(units, by_domain))
    return hit[1]


def _fill(by_domain: dict[str, list[AnyItem]], need: dict[str, int], rng: random.Random,
          seen: Set[str] = frozenset()) -> list[AnyItem]:
    chosen: list[AnyItem] = []
    for d, k in need.items():
        fresh = [i for i in by_domain.get(d, []) if i.id not in seen]
        if len(fresh) >= k:
            chosen += rng.sample(fresh, k)
        else:
            chosen += fresh + rng.sample([i for i in by_domain[d] if i.id in seen], k - len(fresh))
    rng.shuffle(chosen)
    return chosen


def exam_form(bank: Bank, bp: Blueprint, n: int | None = None, seed: int | None = None,
              case_studies: int = 1, problem_sets: int = 1, *, seen: Set[str] = frozenset()) -> Form:
    n = n or bp.questions.default
    if not bp.questions.min <= n <= bp.questions.max:
        raise FormError(f"{bp.code} exams have {bp.questions.min} to {bp.questions.max} questions, not {n}")
    seed = random.randrange(2**31) if seed is None else seed
    rng = random.Random(seed)
    pool = _pool(bank, bp)
    supply = pool.supply()
    ranges = domain_ranges(bp, n)
    units: list[AnyItem] = []
    used = {d: 0 for d in ranges}
    for kind, wanted in ((ProblemSolutionItem, problem_sets), (CaseStudyItem, case_studies)):
        candidates = list(pool.units[kind])
        rng.shuffle(candidates)
        candidates.sort(key=lambda i: i.id in seen)  # unseen first, in the shuffled order
        for item in candidates:
            if wanted == 0:
                break
            adds = _domains_of(item, bp)
            if all(used[d] + k <= ranges[d][1] for d, k in adds.items()) and sum(adds.values()) == len(item.parts()):
                units.append(item)
                wanted -= 1
                for d, k in adds.items():
                    used[d] += k
    total_supply = {d: supply.get(d, 0) + used[d] for d in ranges}
    quota = _quotas(bp, n, rng, total_supply, used)
    main = _fill(pool.by_domain, {d: quota[d] - used[d] for d in quota}, rng, seen)
    sections = [Section("questions", "Questions", [i.id for i in main])]
    for item in units:
        if isinstance(item, ProblemSolutionItem):
            sections.append(Section("problem_solution", "Problem and solutions", keys_of(item), revisit=False))
        else:
            sections.append(Section("case_study", f"Case study: {item.title}", keys_of(item)))
    return Form(bp.code, "exam", sections, seed, bank.version, minutes=bp.duration_minutes,
                meta={"domain_counts": quota})


def diagnostic_seed(bank: Bank, bp: Blueprint) -> int:
    return int(hashlib.sha256(f"{bp.code}:{bank.version}".encode()).hexdigest()[:8], 16)


def diagnostic_form(bank: Bank, bp: Blueprint, *, seen: Set[str] = frozenset()) -> Form:
    """The same 35 questions for every learner of a given bank version who has seen none of them;
    `seen` item ids are taken only where a domain has too few unseen ones."""
    n, seed = bp.diagnostic.questions, diagnostic_seed(bank, bp)
    rng = random.Random(seed)
    pool = _pool(bank, bp)
    quota = _quotas(bp, n, rng, pool.supply(), {})
    chosen = _fill(pool.by_domain, quota, rng, seen)
    return Form(bp.code, "diagnostic", [Section("questions", "Diagnostic", [i.id for i in chosen])], seed,
                bank.version, minutes=None, meta={"domain_counts": quota})


def practice_form(bank: Bank, bp: Blueprint, *, domains: list[str] = (), skills: list[str] = (),
                  types: list[str] = (), count: int = 10, only: set[str] | None = None,
                  seed: int | None = None, minutes: int | None = None) -> Form:
    """Up to `count` items matching every filter given; `only` limits to those item ids (history)."""
    if not 1 <= count <= MAX_PRACTICE:
        raise FormError(f"a practice has 1 to {MAX_PRACTICE} questions, not {count}")
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        raise FormError(f"a practice time limit is 1 to {MAX_MINUTES} minutes, not {minutes}")
    for d in domains:
        bp.domain(d)
    for s in skills:
        if s not in bp.skills:
            raise UnknownChoice("skill", s, list(bp.skills))
    for t in types:
        if t not in ITEM_TYPES:
            raise UnknownChoice("item type", t, ITEM_TYPES)
    seed = random.randrange(2**31) if seed is None else seed
    rng = random.Random(seed)
    pool = []
    for item in sorted(bank.for_exam(bp), key=lambda i: i.id):
        tested = [s for s in item.all_skills() if s in bp.skills]
        if domains and not any(bp.domain_of_skill[s].id in domains for s in tested):
            continue
        if skills and not set(skills) & set(tested):
            continue
        if types and item.type not in types:
            continue
        if only is not None and item.id not in only:
            continue
        pool.append(item)
    if not pool:
        raise FormError("no live items match those filters; widen them (fewer filters, other domains or types)")
    chosen = rng.sample(pool, min(count, len(pool)))
    main = [i for i in chosen if not isinstance(i, (CaseStudyItem, ProblemSolutionItem))]
    sections = [Section("questions", "Practice", [i.id for i in main])] if main else []
    for item in chosen:
        if isinstance(item, ProblemSolutionItem):
            sections.append(Section("problem_solution", "Problem and solutions", keys_of(item), revisit=False))
        elif isinstance(item, CaseStudyItem):
            sections.append(Section("case_study", f"Case study: {item.title}", keys_of(item)))
    return Form(bp.code, "practice", sections, seed, bank.version, minutes=minutes,
                meta={"filters": {"domains": list(domains), "skills": list(skills), "types": list(types)}})
