"""The service catalog (`content/services.yaml`): current names, former names, status.

The linter reads it to flag former names and retired services; `certprep services NAME`
answers "what is Form Recognizer called now?".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from certprep.errors import BankError


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormerName(_Model):
    name: str
    until: dt.date | str | None = None  # when the rename took effect (a date, or a year-month)
    became: str | None = None  # the next name, when it is not the current one (a rename chain)
    reported: bool = False  # `until` is read only in third-party sources
    flagged: bool = True  # False: still current somewhere (an endpoint, a resource), so not linted


class Service(_Model):
    name: str
    full_name: str | None = None  # e.g. "Azure Document Intelligence in Foundry Tools"
    former_names: list[FormerName] = []
    aliases: list[str] = []  # other names in use, e.g. "LUIS"; flagged like the name when retired
    status: Literal["GA", "preview", "retiring", "retired"]
    retires_on: dt.date | None = None
    retired_on: dt.date | None = None
    successor: str | None = None
    summary: str
    choose_when: str | None = None
    docs: str

    def names(self) -> list[str]:
        return [self.name, *([self.full_name] if self.full_name else []), *self.aliases,
                *(f.name for f in self.former_names)]


class Catalog(_Model):
    services: list[Service]

    def find(self, query: str) -> list[Service]:
        """Services whose current, full or former name contains `query` (case-insensitive);
        an exact name match wins over partial ones."""
        q = query.strip().lower()
        exact = [s for s in self.services if any(n.lower() == q for n in s.names())]
        return exact or [s for s in self.services if any(q in n.lower() for n in s.names())]


def load_catalog(path: Path) -> Catalog:
    if not path.is_file():
        return Catalog(services=[])
    text = path.read_text(encoding="utf-8")
    try:
        return Catalog.model_validate(yaml.load(text, Loader=yaml.CSafeLoader) or {"services": []})
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BankError(f"{path}:{mark.line + 1 if mark else 1}: malformed YAML: "
                        f"{getattr(exc, 'problem', exc)} (quote values that contain a colon)") from exc
    except ValidationError as exc:
        from certprep.bank.lines import locate

        first = exc.errors()[0]
        raise BankError(f"{path}:{locate(text, first['loc'])}: {'.'.join(map(str, first['loc']))}: "
                        f"{first['msg']} (see the fields in src/certprep/bank/services.py)") from exc
