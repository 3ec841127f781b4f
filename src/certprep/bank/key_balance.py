"""Where the keys sit: a folder whose keys pile up on the first option (or whose build-list keys
run s1, s2, s3 …) gives the answer away to anyone reading ids, in the files and in every export
(QTI, Moodle, GIFT identifiers). Authors write the key first because it is easier to review;
`scripts/reletter_bank.py` spreads the keys evenly, and this check says when a folder needs it.

A key's *position* is what a reader sees: its rank among the ids when the ids read as an order
(`A`, `B` … or `s1`, `s2` …), otherwise its place in the file. Under a blind author every
position is equally likely; a chi-square goodness-of-fit test per folder and kind of choice
flags folders that are far from that.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from certprep.bank.items import AnyItem, BuildListBody, DropdownBody, MatchingBody, MultipleBody, SingleBody

MIN_KEYS = 20  # fewer keys in a folder say too little to flag
P_VALUE = 0.001  # flag a folder only when chance alone would place its keys like this once in a thousand
ORDERED = re.compile(r"^(?:[A-Z]|[a-z]+\d+)$")


def _natural(i: str) -> tuple:
    letters, digits = re.match(r"^([A-Za-z]*)(\d*)$", i).groups()  # type: ignore[union-attr]
    return letters, int(digits or 0)


def position(ids: list[str], key: str) -> int:
    """The key's rank among ids that read as an order, else its place in the file."""
    if all(ORDERED.match(i) for i in ids):
        return sorted(ids, key=_natural).index(key)
    return ids.index(key)


@dataclass
class Tally:
    """Observed key positions and their expected counts under chance, for one kind of choice."""

    observed: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    expected: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    keys: int = 0

    def add(self, ids: list[str], keys: list[str]) -> None:
        """`keys` of the choices `ids`; each position holds a key with chance len(keys)/len(ids)."""
        if not keys or any(k not in ids for k in keys) or len(set(ids)) != len(ids):
            return  # a key that names no choice is an error of its own (lint.py)
        for k in keys:
            self.observed[position(ids, k)] += 1
            self.keys += 1
        for p in range(len(ids)):
            self.expected[p] += len(keys) / len(ids)

    def p_value(self) -> float:
        """Pearson's chi-square test; tail positions with under 5 expected keys are pooled."""
        from scipy.special import chdtrc

        bins: list[list[float]] = []
        for p in sorted(self.expected):
            if bins and bins[-1][1] < 5:
                bins[-1][0] += self.observed.get(p, 0)
                bins[-1][1] += self.expected[p]
            else:
                bins.append([self.observed.get(p, 0), self.expected[p]])
        if len(bins) > 1 and bins[-1][1] < 5:
            last = bins.pop()
            bins[-1][0] += last[0]
            bins[-1][1] += last[1]
        if len(bins) < 2:
            return 1.0
        stat = sum((o - e) ** 2 / e for o, e in bins)
        return float(chdtrc(len(bins) - 1, stat))

    def summary(self) -> str:
        top = max(self.observed, key=lambda p: self.observed[p])
        return f"{int(self.observed[top])} of {self.keys} keys at position {top + 1} (chance: {self.expected[top]:.0f})"


def tally(body, tallies: dict[str, Tally]) -> None:
    if isinstance(body, SingleBody):
        tallies["option"].add([o.id for o in body.options], [body.key])
    elif isinstance(body, MultipleBody):
        tallies["option"].add([o.id for o in body.options], list(body.key))
    elif isinstance(body, BuildListBody):
        steps = [s.id for s in body.steps]
        tallies["build-list step"].add(steps, list(body.key))
        tallies["build-list first step"].add(steps, [body.key[0]])  # ids in key order show this one
    elif isinstance(body, MatchingBody):
        sources = [s.id for s in body.sources]
        for target in body.targets:
            if target.id in body.key:
                tallies["matching source"].add(sources, [body.key[target.id]])
    elif isinstance(body, DropdownBody):
        for blank in body.blanks:
            tallies["drop-down option"].add([o.id for o in blank.options], [blank.key])


def unbalanced_folders(items: list[tuple[AnyItem, Path]]) -> Iterator[tuple[Path, str, str]]:
    """(folder, kind of choice, summary) for every folder whose keys are far from uniform."""
    by_folder: dict[Path, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for item, path in items:
        for _, body in item.parts():
            tally(body, by_folder[path.parent])
    for folder, tallies in sorted(by_folder.items()):
        for kind, t in sorted(tallies.items()):
            if t.keys >= MIN_KEYS:
                p = t.p_value()
                if p < P_VALUE:
                    yield folder, kind, f"{t.summary()}; chi-square p = {p:.1e}"
