"""Dated, sourced facts: what the career and exam pages state about the world.

A certification retires, an exam changes length, a salary survey ages. Every such fact carries
the day it was last seen true (`as_of`) and where (`source`), so a page can say "as of DATE" and
`certprep lint` can say when it is due for another look (bank/lint.py, `check_facts`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, field_validator

STALE_AFTER_DAYS = 180  # `certprep lint` warns about facts older than this


class Sourced(BaseModel):
    """The fields every fact carries. `reported` marks a fact read only in third-party
    sources: pages show it as reported, not as Microsoft's (or the vendor's) word."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: dt.date
    source: str
    reported: bool = False

    @field_validator("source")
    @classmethod
    def _https_url(cls, value: str) -> str:
        if not value.startswith("https://") or " " in value:
            raise ValueError(f"source {value!r} is not an https URL: link the page that states the fact")
        return value


@dataclass(frozen=True)
class Fact:
    """One fact and where its fields sit in its file (a YAML path, for the line number)."""

    loc: tuple[str | int, ...]
    label: str
    sourced: Sourced
    historical: bool = False  # about a retired certification: history does not go stale
