"""Career facts (content/career.yaml) as a typed model, so a typo fails loudly, not on a page.

Every fact carries `as_of` and `source` (certprep.bank.facts.Sourced). The salary figures are the
article's, dated by the article; the comparison and the path are the page's own advice and follow
the newest facts: a retired certification is shown as retired, with its successors.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from certprep.bank.facts import Fact, Sourced
from certprep.bank.lines import locate
from certprep.errors import BankError


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Article(_Model):
    """The career guide the product began from: its salary figures and study-time estimate."""

    title: str
    publisher: str
    date: dt.date
    url: str

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError(f"url {value!r} is not an https URL")
        return value


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


class Salaries(Sourced):
    currency: str
    note: str
    hub_uplift: Uplift
    roles: list[Role]


class Certification(Sourced):
    """A row of the comparison: a certification and, when retired, what replaced it."""

    certification: str
    vendor: str
    status: Literal["active", "retiring", "retired"]
    retires_on: dt.date | None = None
    retired_on: dt.date | None = None
    successors: list[str] = []
    focus: str
    best_for: str
    note: str = ""

    @model_validator(mode="after")
    def _status_is_complete(self) -> Certification:
        name = self.certification
        if self.status == "retired" and (self.retired_on is None or not self.successors):
            raise ValueError(f"{name}: a retired certification needs retired_on and successors "
                             "(or leave it out of the comparison)")
        if self.status == "retiring" and self.retires_on is None:
            raise ValueError(f"{name}: a retiring certification needs retires_on")
        if self.status == "active" and (self.retired_on or self.retires_on):
            raise ValueError(f"{name}: an active certification has no retired_on or retires_on")
        return self


class Step(Sourced):
    step: str
    why: str


class Preparation(Sourced):
    weeks_min: int
    weeks_max: int
    note: str


class Validity(Sourced):
    months: int
    renewal: str


class Career(_Model):
    article: Article
    salaries: Salaries
    comparison: list[Certification]
    path: list[Step]
    path_note: str
    preparation: Preparation
    validity: Validity

    def facts(self) -> list[Fact]:
        """Every dated fact with its place in career.yaml."""
        out = [Fact(("salaries",), "salaries", self.salaries)]
        out += [Fact(("comparison", n), c.certification, c, historical=c.status == "retired")
                for n, c in enumerate(self.comparison)]
        out += [Fact(("path", n), f"path: {s.step}", s) for n, s in enumerate(self.path)]
        out += [Fact(("preparation",), "preparation", self.preparation), Fact(("validity",), "validity", self.validity)]
        return out


def load_career(content: Path) -> Career:
    path = content / "career.yaml"
    text = path.read_text(encoding="utf-8")
    try:
        return Career.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise BankError(f"{path}: malformed YAML: {exc}") from exc
    except ValidationError as exc:
        lines = [f"{path}:{locate(text, e['loc'])}: {'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}"
                 for e in exc.errors()]
        raise BankError("invalid career facts (see the fields in src/certprep/bank/career.py):\n"
                        + "\n".join(lines)) from exc
