"""Career facts (content/career.yaml) as a typed model, so a typo fails loudly, not on a page."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Role(_Model):
    role: str
    min: int
    max: int
    experience: str
    demand: str

    def in_hubs(self, uplift_min: int, uplift_max: int) -> tuple[int, int]:
        return round(self.min * (1 + uplift_min / 100), -3), round(self.max * (1 + uplift_max / 100), -3)


class Uplift(_Model):
    min_percent: int
    max_percent: int
    where: str


class Salaries(_Model):
    currency: str
    note: str
    hub_uplift: Uplift
    roles: list[Role]


class Comparison(_Model):
    certification: str
    focus: str
    best_for: str


class Step(_Model):
    step: str
    why: str


class Preparation(_Model):
    weeks_min: int
    weeks_max: int
    note: str


class Validity(_Model):
    months: int
    renewal: str


class Career(_Model):
    source: str
    salaries: Salaries
    comparison: list[Comparison]
    path: list[Step]
    path_note: str
    preparation: Preparation
    validity: Validity


def load_career(content: Path) -> Career:
    return Career.model_validate(yaml.safe_load((content / "career.yaml").read_text(encoding="utf-8")))
