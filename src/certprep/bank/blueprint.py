"""Exam blueprints: an exam is data (content/exams/*.yaml), never Python."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from certprep.bank.facts import Fact, Sourced
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


class Outline(Sourced):
    """The skills outline; `source` is its study guide, `as_of` the day it was last seen current."""

    version: str
    date: dt.date


class Status(Sourced):
    state: Literal["active", "beta", "retiring", "retired"]
    retired_on: dt.date | None = None
    successor: str | None = None
    predecessor: str | None = None
    note: str = ""


class Duration(Sourced):
    """Microsoft's exam time (the engine's timer) and, where Microsoft states it, the seat time:
    the time to book, which adds instructions, the agreement and the comments."""

    exam_minutes: int = Field(gt=0)
    seat_minutes: int | None = None
    seat_source: str | None = None  # seat time is stated on Microsoft's exam-duration page, not the exam's
    note: str = ""

    @model_validator(mode="after")
    def _seat_time_is_sourced(self) -> Duration:
        if self.seat_minutes is not None:
            if self.seat_minutes < self.exam_minutes:
                raise ValueError(f"seat_minutes {self.seat_minutes} is less than exam_minutes {self.exam_minutes}")
            if not (self.seat_source or "").startswith("https://"):
                raise ValueError("seat_minutes needs seat_source: the https URL of the page that states it")
        return self


class QuestionCount(Sourced):
    min: int
    max: int
    default: int  # ours: the length of a simulated exam


class Passing(Sourced):
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
    duration: Duration
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

    @property
    def duration_minutes(self) -> int:
        """The timer of a simulated exam: Microsoft's exam time, not the seat time."""
        return self.duration.exam_minutes

    def facts(self) -> list[Fact]:
        """What the exam page states about the real exam, each with its date and source."""
        old = self.status.state == "retired"
        return [Fact(("outline",), f"{self.code} outline", self.outline, old),
                Fact(("status",), f"{self.code} status", self.status, old),
                Fact(("duration",), f"{self.code} duration", self.duration, old),
                Fact(("questions",), f"{self.code} question count", self.questions, old),
                Fact(("passing",), f"{self.code} passing score", self.passing, old)]

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


def load_blueprint(path: Path) -> Blueprint:
    text = path.read_text(encoding="utf-8")
    try:
        return Blueprint.model_validate(yaml.load(text, Loader=yaml.CSafeLoader))
    except ValidationError as exc:
        from certprep.bank.lines import locate

        lines = [f"{path}:{locate(text, e['loc'])}: {'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}"
                 for e in exc.errors()]
        raise BankError("invalid blueprint (see the fields in src/certprep/bank/blueprint.py):\n"
                        + "\n".join(lines)) from exc
    except (yaml.YAMLError, ValueError) as exc:
        raise BankError(f"{path}: invalid blueprint: {exc}") from exc


def load_blueprints(folder: Path) -> dict[str, Blueprint]:
    """Every `*.yaml` in `folder`, keyed by exam code (e.g. `ai-102`)."""
    return {bp.code: bp for bp in map(load_blueprint, sorted(folder.glob("*.yaml")))}
