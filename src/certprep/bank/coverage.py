"""How many live items test each skill, domain and type of one exam.

An item counts once for every skill it tests (a case study: the skills of all its questions),
once for every domain those skills fall in, and once under its type and its difficulty. With
`domains`, only those domains' skills and the items that test one of them are counted; with
`reviewed_since`, only items blind-reviewed on or after that day (one writing round's items).
"""

from __future__ import annotations

import datetime as dt

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import ITEM_TYPES
from certprep.bank.loader import Bank


def coverage(bank: Bank, bp: Blueprint, minimum: int = 3, domains: list[str] = (),
             reviewed_since: dt.date | None = None) -> dict:
    chosen = [bp.domain(d) for d in domains] or bp.domains  # an unknown domain id raises, naming the valid ones
    per_skill = {s.id: 0 for d in chosen for s in d.skills}
    per_domain = {d.id: 0 for d in chosen}
    types = dict.fromkeys(ITEM_TYPES, 0)
    difficulty = dict.fromkeys(range(1, 6), 0)
    items = [i for i in bank.for_exam(bp) if any(s in per_skill for s in i.all_skills())
             and (reviewed_since is None or (i.reviewed and i.reviewed.blind and i.reviewed.date >= reviewed_since))]
    for item in items:
        skills = [s for s in item.all_skills() if s in per_skill]
        for s in skills:
            per_skill[s] += 1
        for d in {bp.domain_of_skill[s].id for s in skills}:
            per_domain[d] += 1
        types[item.type] += 1
        difficulty[item.difficulty] += 1
    skills_out = [{"id": s.id, "domain": d.id, "name": s.name, "items": per_skill[s.id]}
                  for d in chosen for s in d.skills]
    return {
        "exam": bp.code,
        "reviewed_since": reviewed_since.isoformat() if reviewed_since else None,
        "items": len(items),
        "minimum": minimum,
        "skills": skills_out,
        "domains": [{"id": d.id, "name": d.name, "weight_min": d.weight_min, "weight_max": d.weight_max,
                     "items": per_domain[d.id]} for d in chosen],
        "types": types,
        "single_share": round(types["single"] / len(items), 3) if items else 0.0,
        "difficulty": difficulty,
        "below_minimum": [s["id"] for s in skills_out if s["items"] < minimum],
    }
