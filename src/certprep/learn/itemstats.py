"""Classical item statistics for authors: facility, discrimination, option use, and flags.

Input is a response matrix: one row per attempt, one column per item, each cell the share of
the item's points earned (0…1) or NaN when the attempt did not show the item.

- facility: mean score of those who saw the item;
- discrimination: corrected item-total correlation, Pearson's r between the item score and the
  rest score (the attempt's mean over its *other* items), so an item does not correlate with itself;
- flags: near-zero or negative discrimination (the key may be wrong), facility above 0.95 or
  below 0.20, and a distractor nobody picks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MIN_RESPONSES = 20  # fewer responses: statistics are shown, flags are not raised
LOW_DISCRIMINATION = 0.10
EASY, HARD = 0.95, 0.20


@dataclass
class ItemStats:
    item_id: str
    responses: int
    facility: float
    discrimination: float | None
    options: dict[str, int] = field(default_factory=dict)  # option id -> times chosen
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"item": self.item_id, "responses": self.responses, "facility": round(self.facility, 4),
                "discrimination": None if self.discrimination is None else round(self.discrimination, 4),
                "options": self.options, "flags": self.flags}


def corrected_item_total(matrix: np.ndarray) -> np.ndarray:
    """Pearson r of each column with the mean of the row's other observed columns (NaN-aware)."""
    seen = ~np.isnan(matrix)
    scores = np.where(seen, matrix, 0.0)
    totals, counts = scores.sum(axis=1), seen.sum(axis=1)
    out = np.full(matrix.shape[1], np.nan)
    for j in range(matrix.shape[1]):
        rows = seen[:, j] & (counts > 1)
        if rows.sum() < 3:
            continue
        item = scores[rows, j]
        rest = (totals[rows] - item) / (counts[rows] - 1)
        if item.std() == 0 or rest.std() == 0:
            continue
        out[j] = np.corrcoef(item, rest)[0, 1]
    return out


def item_statistics(item_ids: list[str], matrix: np.ndarray,
                    option_counts: dict[str, dict[str, int]] | None = None,
                    distractors: dict[str, list[str]] | None = None) -> list[ItemStats]:
    option_counts = option_counts or {}
    distractors = distractors or {}
    disc = corrected_item_total(matrix)
    out = []
    for j, item_id in enumerate(item_ids):
        col = matrix[:, j]
        seen = col[~np.isnan(col)]
        n = int(seen.size)
        stats = ItemStats(item_id, n, float(seen.mean()) if n else float("nan"),
                          None if np.isnan(disc[j]) else float(disc[j]), dict(option_counts.get(item_id, {})))
        if n >= MIN_RESPONSES:
            if stats.discrimination is not None and stats.discrimination < LOW_DISCRIMINATION:
                stats.flags.append("negative discrimination: check the key" if stats.discrimination < 0
                                   else "near-zero discrimination: check the key and the distractors")
            if stats.facility > EASY:
                stats.flags.append(f"facility {stats.facility:.2f} above {EASY}: too easy")
            if stats.facility < HARD:
                stats.flags.append(f"facility {stats.facility:.2f} below {HARD}: too hard or a wrong key")
            for option in distractors.get(item_id, []):
                if stats.options.get(option, 0) == 0:
                    stats.flags.append(f"distractor {option} is never chosen")
        out.append(stats)
    return out
