"""How many live items test each skill, domain and type of one exam.

An item counts once for every skill it tests (a case study: the skills of all its questions),
once for every domain those skills fall in, and once under its type.
"""

from __future__ import annotations

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import ITEM_TYPES
from certprep.bank.loader import Bank


def coverage(bank: Bank, bp: Blueprint, minimum: int = 3) -> dict:
    items = bank.for_exam(bp)
    per_skill = dict.fromkeys(bp.skills, 0)
    per_domain = {d.id: 0 for d in bp.domains}
    types = dict.fromkeys(ITEM_TYPES, 0)
    for item in items:
        skills = [s for s in item.all_skills() if s in per_skill]
        for s in skills:
            per_skill[s] += 1
        for d in {bp.domain_of_skill[s].id for s in skills}:
            per_domain[d] += 1
        types[item.type] += 1
    skills_out = [{"id": s.id, "domain": d.id, "name": s.name, "items": per_skill[s.id]}
                  for d in bp.domains for s in d.skills]
    return {
        "exam": bp.code,
        "items": len(items),
        "minimum": minimum,
        "skills": skills_out,
        "domains": [{"id": d.id, "name": d.name, "weight_min": d.weight_min, "weight_max": d.weight_max,
                     "items": per_domain[d.id]} for d in bp.domains],
        "types": types,
        "below_minimum": [s["id"] for s in skills_out if s["items"] < minimum],
    }
