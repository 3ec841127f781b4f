"""Loading the bank: YAML files (one item each) into validated items, and problems with lines.

Parsing takes libyaml's C loader; only a file that fails is composed again, slowly, to find the
line of the offending field, so a clean bank loads at the speed of parsing.
"""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
import yaml_rs
from pydantic import TypeAdapter, ValidationError

from certprep.bank.blueprint import Blueprint, load_blueprints
from certprep.bank.lines import locate
from certprep.bank.items import ITEM_TYPES as _TYPES
from certprep.bank.items import AnyItem, Item, question_skills
from certprep.errors import BankError

ITEM_ADAPTER: TypeAdapter[AnyItem] = TypeAdapter(Item)

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, printed as `path:line: item-id: problem (how to fix)`."""

    path: str
    line: int
    item_id: str
    message: str
    fix: str
    severity: Severity = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}: {self.item_id}: {tag}{self.message} ({self.fix})"


@dataclass
class Bank:
    items: dict[str, AnyItem] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _hashes: dict[str, tuple[AnyItem, str]] = field(default_factory=dict, repr=False)

    def hash_of(self, item_id: str) -> str:
        """The item's content hash, computed once per item object (every attempt start needs the
        hashes of its 50 items, and each is a JSON dump of the whole item)."""
        item = self.items[item_id]
        cached = self._hashes.get(item_id)
        if cached is None or cached[0] is not item:
            cached = self._hashes[item_id] = (item, item.content_hash())
        return cached[1]

    def live(self) -> list[AnyItem]:
        return [i for i in self.items.values() if i.status == "live"]

    def for_exam(self, bp: Blueprint, status: str = "live") -> list[AnyItem]:
        """Items with the given status that count for at least one skill of `bp`."""
        return [i for i in self.items.values()
                if i.status == status and any(s in bp.skills for s in i.all_skills())]

    @cached_property
    def version(self) -> str:
        """A short hash of every item's content: forms fixed per bank version use it."""
        import hashlib

        h = hashlib.sha256()
        for item_id in sorted(self.items):
            h.update(self.hash_of(item_id).encode())
        return h.hexdigest()[:12]


def question_domain(item: AnyItem, part: str | None, bp: Blueprint) -> str | None:
    """The blueprint domain a question counts toward: that of its first skill in this exam."""
    for skill in question_skills(item, part):
        if skill in bp.domain_of_skill:
            return bp.domain_of_skill[skill].id
    return None


def item_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def load_bank(root: Path) -> Bank:
    """Parse and validate every item under `root`. Problems are collected, never raised."""
    bank = Bank()
    # Loading makes hundreds of thousands of small objects and no reference cycles; the cyclic
    # collector would scan the growing heap again and again (measured: validation 4x slower).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for path in item_files(root):
            load_file(path, bank)
    finally:
        if was_enabled:
            gc.enable()
    return bank


def parse_yaml(text: str) -> tuple[object, tuple[int, str] | None]:
    """(data, None), or (None, (line, reason)) for malformed YAML.

    yaml_rs (Rust) parses five times faster than libyaml through PyYAML, and refuses duplicate
    keys, which PyYAML silently drops. It reads YAML 1.2, so `yes`/`no` arrive as strings; the
    item model turns them into booleans. PyYAML only explains failures: its marks point at
    the construct left open (a quote, a bracket), where the fix is needed.
    """
    try:
        return yaml_rs.loads(text, parse_datetime=False), None  # quoted "02:00" must stay text
    except yaml_rs.YAMLDecodeError as exc:
        rs_reason = str(exc).split("\n")[0]
    try:
        yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        reason = " ".join(filter(None, (getattr(exc, "problem", None), getattr(exc, "context", None)))) or str(exc)
        return None, (mark.line + 1 if mark else 1, reason)
    found = re.search(r"line (\d+)", rs_reason)
    duplicate = re.search(r"duplicate mapping key: '([^']+)'", rs_reason)
    line = int(found.group(1)) if found else _repeated_key_line(text, duplicate.group(1)) if duplicate else 1
    return None, (line, rs_reason)


def _repeated_key_line(text: str, key: str) -> int:
    """The line where `key:` appears a second time at the same indentation."""
    seen: set[int] = set()
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^(\s*)(?:- )?" + re.escape(key) + r"\s*:", line)
        if m:
            if len(m.group(1)) in seen:
                return number
            seen.add(len(m.group(1)))
    return 1


def load_file(path: Path, bank: Bank) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        bank.problems.append(Problem(_display(path), 1, path.stem, f"cannot read file: {exc}", "save it as UTF-8 text"))
        return
    data, error = parse_yaml(text)
    if error:
        bank.problems.append(Problem(_display(path), error[0], path.stem, f"malformed YAML: {error[1]}",
                                     "fix the indentation, quoting or repeated key at that line"))
        return
    if not isinstance(data, dict):
        bank.problems.append(Problem(_display(path), 1, path.stem, "the file does not hold a mapping",
                                     "an item file is a YAML mapping with id, type, stem, …"))
        return
    item_id = str(data.get("id", path.stem))
    try:
        item = ITEM_ADAPTER.validate_python(data)
    except ValidationError as exc:
        bank.problems.extend(schema_problems(_display(path), text, item_id, exc))
        return
    if item.id in bank.items:
        first = _display(bank.paths[item.id])
        bank.problems.append(Problem(_display(path), locate(text, ("id",)), item.id,
                                     f"duplicate id, already used by {first}", "give this item a new, unique id"))
        return
    bank.items[item.id] = item
    bank.paths[item.id] = path


def schema_problems(shown: str, text: str, item_id: str, exc: ValidationError) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = _strip_union_tags(err["loc"])
        where = ".".join(str(p) for p in loc) or "(item)"
        kind = err["type"]
        if kind == "missing":
            msg, fix = f"{where}: required field missing", f"add `{loc[-1]}:`"
        elif kind == "extra_forbidden":
            msg, fix = f"{where}: unknown field", "remove it or check its spelling in docs/item-format.md"
        elif kind == "union_tag_invalid":
            loc = (*loc, "type")
            msg, fix = f"{where}.type: unknown item type {err['ctx']['tag']!r}".removeprefix("(item)."), \
                "use one of " + ", ".join(_TYPES)
        elif kind == "union_tag_not_found":
            msg, fix = f"{where}: no `type`", "add `type:` with one of " + ", ".join(_TYPES)
        else:
            msg, fix = f"{where}: {err['msg']}", "see docs/item-format.md for this field"
        out.append(Problem(shown, locate(text, loc), item_id, msg, fix))
    return out


def _strip_union_tags(loc: tuple) -> tuple:
    """Drop pydantic's union branch names (`single`, `CaseSingle`, …) from an error location."""
    return tuple(p for p in loc if not (isinstance(p, str) and (p in _TYPES or p.startswith("Case"))))


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def content_root() -> Path:
    """The bank shipped with certprep: the repo's `content/`, or the copy inside the wheel."""
    if env := os.environ.get("CERTPREP_CONTENT"):
        return Path(env)
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent.parent / "content", here / "_content"):
        if (candidate / "exams").is_dir():
            return candidate
    raise BankError("cannot find the bundled content folder; set CERTPREP_CONTENT to a folder with exams/ and items/")


def load_exams(root: Path | None = None) -> dict[str, Blueprint]:
    return load_blueprints((root or content_root()) / "exams")
