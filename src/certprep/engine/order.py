"""The order a learner sees choices in.

Authors write the key first because that is easier to review, so the file order gives the
answer away; the exam shuffles it, and so do we. The order is a pure function of a seed (an
attempt's question, a review day, an exported item), so a reload, a restart, the page that
renders and the parser that reads the answer all see the same order without storing it.
Responses name option ids, never positions, so scoring does not depend on it.
"""

from __future__ import annotations

import random
from typing import TypeVar

B = TypeVar("B")


def shuffled(body: B, seed: str) -> B:
    """A copy of a question body with its choices in a seeded order; other fields unchanged.

    Matching targets and Yes/No statements keep the author's order: they are read like a list
    of requirements, and their position says nothing about the answer.
    """
    rng = random.Random(seed)  # a str seed is hashed with SHA-512: the same order on every run

    def mix(seq: list) -> list:
        out = list(seq)
        rng.shuffle(out)
        return out

    kind = getattr(body, "type", None)
    if kind in ("single", "multiple"):
        return body.model_copy(update={"options": mix(body.options)})
    if kind == "matching":
        return body.model_copy(update={"sources": mix(body.sources)})
    if kind == "build_list":
        return body.model_copy(update={"steps": mix(body.steps)})
    if kind == "dropdown":
        return body.model_copy(update={"blanks": [b.model_copy(update={"options": mix(b.options)})
                                                  for b in body.blanks]})
    return body


__all__ = ["shuffled"]
