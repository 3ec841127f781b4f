"""Synthetic items of every type, valid by construction: for benchmarks and form tests only.

They are placeholders with no exam content; nothing here is ever served to a learner.
"""

from __future__ import annotations

import random

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import ITEM_TYPES

REF = "https://learn.microsoft.com/en-us/azure/ai-services/"
SOURCE = "MicrosoftDocs/azure-ai-docs:articles/ai-services/what-are-ai-services.md"


def _options(rng: random.Random, n: int, prefix: str = "") -> list[dict]:
    return [{"id": f"{prefix}{chr(65 + i)}", "text": f"Option {chr(65 + i)} {rng.random():.6f}",
             "explanation": f"Why option {chr(65 + i)} is right or wrong."} for i in range(n)]


def _body(kind: str, rng: random.Random, n: int) -> dict:
    stem = f"Synthetic question {n}: " + " ".join(rng.choice(WORDS) for _ in range(25))
    if kind == "single":
        return {"stem": stem, "options": _options(rng, 4), "key": rng.choice("ABCD")}
    if kind == "multiple":
        return {"stem": stem, "options": _options(rng, 5), "choose": 2, "key": rng.sample(list("ABCDE"), 2)}
    if kind == "matching":
        sources, targets = _options(rng, 4, "s"), _options(rng, 3, "t")
        return {"stem": stem, "sources": sources, "targets": targets,
                "key": {t["id"]: rng.choice(sources)["id"] for t in targets}}
    if kind == "build_list":
        steps = _options(rng, 6, "st")
        return {"stem": stem, "steps": steps, "key": [s["id"] for s in rng.sample(steps, 4)]}
    if kind == "dropdown":
        blanks = [{"id": f"b{i}", "options": _options(rng, 3), "key": "A"} for i in range(2)]
        return {"stem": stem, "template": "client = Client({{b0}}, {{b1}})", "language": "python", "blanks": blanks}
    if kind == "yes_no":
        return {"stem": stem, "statements": [{"id": f"s{i}", "text": f"Statement {i}", "key": rng.random() < 0.5,
                                              "explanation": "Because."} for i in range(3)]}
    raise ValueError(kind)


def synthetic_items(count: int, bp: Blueprint, seed: int = 0, types: tuple[str, ...] = ITEM_TYPES) -> list[dict]:
    """`count` item dicts of the given types, skills spread over `bp`'s domains by weight."""
    rng = random.Random(seed)
    domains = bp.domains
    weights = [(d.weight_min + d.weight_max) / 2 for d in domains]
    simple = [t for t in types if t not in ("problem_solution", "case_study")]
    out = []
    for n in range(count):
        kind = types[n % len(types)]
        domain = rng.choices(domains, weights)[0]
        skill = rng.choice(domain.skills).id
        meta = {"id": f"synthetic-{n:05d}", "type": kind, "status": "live", "skills": [skill],
                "difficulty": rng.randint(1, 5), "refs": [REF], "source": [SOURCE], "verified": "2026-11-26"}
        if kind == "problem_solution":
            body = {"stem": f"Scenario {n}.", "goal": "Meet the goal.",
                    "solutions": [{"id": f"p{i}", "text": f"Solution {i}", "key": i == 0, "explanation": "Because."}
                                  for i in range(3)]}
        elif kind == "case_study":
            questions = []
            for i in range(4):
                q_kind = simple[i % len(simple)]
                q_skill = rng.choice(rng.choices(domains, weights)[0].skills).id
                questions.append({"id": f"q{i}", "type": q_kind, "skills": [q_skill], **_body(q_kind, rng, n)})
            body = {"title": f"Case {n}", "stem": "Read the scenario.",
                    "scenario": [{"title": "Overview", "content": f"Company {n}."}], "questions": questions}
        else:
            body = _body(kind, rng, n)
        out.append({**meta, **body})
    return out


WORDS = ("index vector search model deploy endpoint key identity token skill indexer analyzer speech "
         "language vision agent tool prompt grounding evaluation quota region network private").split()
