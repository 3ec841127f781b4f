"""Exam blueprints: an exam is data (content/exams/*.yaml), never Python."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from certprep.errors import BankError, UnknownChoice


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Skill(_Model):
    id: str
    name: str
    retired: bool = False


class SkillGroup(_Model):
    id: str
    name: str
    skills: list[Skill]


class Domain(_Model):
    id: str
    name: str
    weight_min: int = Field(ge=0, le=100)
    weight_max: int = Field(ge=0, le=100)
    skill_groups: list[SkillGroup]

    @property
    def skills(self) -> list[Skill]:
        return [s for g in self.skill_groups for s in g.skills]


class Outline(_Model):
    version: str
    date: dt.date
    url: str


class Status(_Model):
    state: Literal["active", "beta", "retiring", "retired"]
    retired_on: dt.date | None = None
    successor: str | None = None
    predecessor: str | None = None
    note: str = ""


class QuestionCount(_Model):
    min: int
    max: int
    default: int


class Passing(_Model):
    scaled: int = 700
    # Share of raw points that we estimate sits at Microsoft's cut; see docs/scoring.md.
    raw_cut: float = Field(gt=0, lt=1)


class Diagnostic(_Model):
    questions: int = 35


class Blueprint(_Model):
    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    code: str
    exam: str
    title: str
    certification: str
    outline: Outline
    status: Status
    duration_minutes: int
    questions: QuestionCount
    passing: Passing
    diagnostic: Diagnostic = Diagnostic()
    domains: list[Domain]

    @model_validator(mode="after")
    def _weights_make_sense(self) -> Blueprint:
        for d in self.domains:
            if d.weight_min > d.weight_max:
                raise ValueError(f"domain {d.id}: weight_min {d.weight_min} > weight_max {d.weight_max}")
        return self

    @cached_property
    def skills(self) -> dict[str, Skill]:
        return {s.id: s for d in self.domains for s in d.skills}

    @cached_property
    def domain_of_skill(self) -> dict[str, Domain]:
        return {s.id: d for d in self.domains for s in d.skills}

    def domain(self, domain_id: str) -> Domain:
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise UnknownChoice("domain", domain_id, [d.id for d in self.domains])


def load_blueprints(folder: Path) -> dict[str, Blueprint]:
    """Every `*.yaml` in `folder`, keyed by exam code (e.g. `ai-102`)."""
    out: dict[str, Blueprint] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            bp = Blueprint.model_validate(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))
        except (yaml.YAMLError, ValueError) as exc:
            raise BankError(f"{path}: invalid blueprint: {exc}") from exc
        out[bp.code] = bp
    return out
