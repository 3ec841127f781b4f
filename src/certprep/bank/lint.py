"""Meaning checks over a loaded bank: what the schema alone cannot catch.

Each check yields Problems with the file line of the field at fault. Errors fail `certprep lint`;
warnings are printed but do not.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from certprep.bank.blueprint import Blueprint, load_blueprint
from certprep.bank.career import load_career
from certprep.bank.facts import STALE_AFTER_DAYS, Fact
from certprep.bank.items import (
    BLANK, AnyItem, BuildListBody, CaseStudyItem, DropdownBody, MatchingBody, MultipleBody,
    ProblemSolutionItem, SingleBody, YesNoBody,
)
from certprep.bank.key_balance import unbalanced_folders
from certprep.bank.lines import locate
from certprep.bank.loader import ITEM_ADAPTER, Bank, Problem, _display
from certprep.bank.services import load_catalog

LEARN = re.compile(r"^https://learn\.microsoft\.com/")
SOURCE = re.compile(r"^[\w.-]+/[\w.-]+:\S+\.(md|yml|yaml|ipynb|py|cs|bicep|json|ts|js|sh|http)(@[0-9a-f]{7,40})?$")
# Items checked from this day on go live only after a blind second reading (CONTENT_GUIDE).
BLIND_REVIEW_FROM = dt.date(2026, 12, 6)
NEAR_DUPLICATE = 0.85  # word-sequence similarity (difflib ratio) above which two stems are flagged


@dataclass(frozen=True)
class RetiredName:
    """A name that must not stand alone: a former name of a renamed service, a retired service,
    or a retiring one (whose item must say when it retires)."""

    name: str
    current: str | None  # None: the service is retired or retiring
    pattern: re.Pattern[str]
    retires_on: dt.date | None = None
    retiring: bool = False
    service: str = ""  # the catalog entry the name belongs to


def load_retired_names(services_file: Path) -> list[RetiredName]:
    """Former names and retired and retiring services from the service catalog (`content/services.yaml`)."""
    out = []
    for svc in load_catalog(services_file).services:
        gone = svc.status in ("retired", "retiring")
        names = [f.name for f in svc.former_names if f.flagged] + ([svc.name, *svc.aliases] if gone else [])
        for name in names:
            # "gpt-image-1" must not match inside "gpt-image-1.5" or "gpt-image-1-mini".
            pat = re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-]|\.\d)")
            former = name not in (svc.name, *svc.aliases)
            out.append(RetiredName(name, svc.name if former else None, pat, svc.retires_on,
                                   retiring=svc.status == "retiring" and not former, service=svc.name))
    return out


def load_unreviewed(path: Path) -> frozenset[str]:
    """Ids of items that went live, checked on or after BLIND_REVIEW_FROM, before blind reviews were
    recorded (`content/unreviewed.txt`, one id per line, `#` comments). The list only shrinks."""
    if not path.is_file():
        return frozenset()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line)


def lint_bank(bank: Bank, blueprints: dict[str, Blueprint], retired: list[RetiredName],
              unreviewed: frozenset[str] = frozenset()) -> list[Problem]:
    known = {sid: bp for bp in blueprints.values() for sid in bp.skills}
    problems = list(bank.problems)
    for item in bank.items.values():
        path = bank.paths[item.id]
        text = path.read_text(encoding="utf-8")
        for loc, message, fix, severity in _check_item(item, known, retired, item.id in unreviewed):
            problems.append(Problem(_display(path), locate(text, loc), item.id, message, fix, severity))
        if not _reads_the_same_in_yaml_1_1(text, item):
            problems.append(Problem(_display(path), 1, item.id, "the file means something else to YAML 1.1 "
                                    "readers (PyYAML reads yes/no/on/off as booleans)",
                                    "quote ids and texts such as 'yes', 'no', 'on', 'off'", "error"))
    problems.extend(_near_duplicates(bank))
    for folder, kind, summary in unbalanced_folders([(i, bank.paths[i.id]) for i in bank.items.values()]):
        problems.append(Problem(_display(folder), 1, "(folder)", f"{kind} keys are far from uniform over "
                                f"positions: {summary}; ids and file order give the key away",
                                "run scripts/reletter_bank.py on the folder", "warning"))
    return sorted(problems)


def _reads_the_same_in_yaml_1_1(text: str, item: AnyItem) -> bool:
    """Other tools (exporters, editors) may read the bank with a YAML 1.1 parser."""
    try:
        other = ITEM_ADAPTER.validate_python(yaml.load(text, Loader=yaml.CSafeLoader))
    except (yaml.YAMLError, ValidationError):
        return False
    return other.content_hash() == item.content_hash()


Finding = tuple[tuple, str, str, str]  # (location in the file, message, fix, severity)


def _check_item(item: AnyItem, known: dict[str, Blueprint], retired: list[RetiredName],
                grandfathered: bool = False) -> Iterator[Finding]:
    yield from _check_meta(item, known, grandfathered)
    if isinstance(item, CaseStudyItem):
        ids = [q.id for q in item.questions]
        for dup in {i for i in ids if ids.count(i) > 1}:
            yield ("questions",), f"question id {dup!r} is used twice", "give every question its own id", "error"
        for n, q in enumerate(item.questions):
            for sid in q.skills:
                if sid not in known:
                    yield ("questions", n, "skills"), f"unknown skill id {sid!r}", _skill_fix(sid, known), "error"
            for loc, msg, fix, sev in _check_body(q):
                yield ("questions", n, *loc), f"question {q.id}: {msg}", fix, sev
        if not 2 <= len(item.questions) <= 6:
            yield ("questions",), f"a case study has {len(item.questions)} questions", "write 4 to 6", "warning"
    elif isinstance(item, ProblemSolutionItem):
        yield from _check_parts(item.solutions, "solutions", "solution")
    else:
        yield from _check_body(item)  # type: ignore[arg-type]
    if item.status != "retired":  # a retired item is never served: it keeps the words it was retired with
        yield from _check_names(item, retired)


def _check_meta(item: AnyItem, known: dict[str, Blueprint], grandfathered: bool) -> Iterator[Finding]:
    for sid in item.skills:
        if sid not in known:
            yield ("skills",), f"unknown skill id {sid!r}", _skill_fix(sid, known), "error"
        elif known[sid].skills[sid].retired:
            yield ("skills",), f"skill {sid!r} is retired from its outline", "tag a current skill", "warning"
    severity = "error" if item.status != "draft" else "warning"
    if not item.refs:
        yield ("refs",), "no refs", "add the learn.microsoft.com URL(s) that prove the key", severity
    for n, ref in enumerate(item.links()):
        if not LEARN.match(ref.url):
            yield ("refs", n), f"ref {ref.url!r} is not a learn.microsoft.com URL", "link the Microsoft Learn page", severity
    if not item.source:
        yield ("source",), "no source", "add the docs file you checked, as MicrosoftDocs/azure-ai-docs:articles/….md", severity
    for n, src in enumerate(item.source):
        if not SOURCE.match(src):
            yield ("source", n), f"source {src!r} is not `owner/repo:path`", "write it as MicrosoftDocs/azure-ai-docs:articles/….md[@commit]", severity
    if item.verified is None:
        yield ("verified",), "no verified date", "add `verified: YYYY-MM-DD`, the day you checked the key", severity
    elif (item.status == "live" and item.verified >= BLIND_REVIEW_FROM and not grandfathered
          and not (item.reviewed and item.reviewed.blind)):
        yield (("reviewed",) if item.reviewed else ("verified",)), \
            f"checked on {item.verified} but not blind-reviewed (required from {BLIND_REVIEW_FROM})", \
            "have a second reader re-derive the key from the docs without seeing it or the explanations, " \
            "then add `reviewed: {date: YYYY-MM-DD, blind: true}`", "error"
    if item.reviewed and item.verified and item.reviewed.date < item.verified:
        yield ("reviewed",), f"reviewed on {item.reviewed.date}, before the key was last checked ({item.verified})", \
            "review the item again after its last change", "error"


def _skill_fix(sid: str, known: dict[str, Blueprint]) -> str:
    codes = sorted({bp.code for bp in known.values()})
    exam = next((c for c in codes if sid.startswith(c.replace("-", "") + ".")), "EXAM")
    return f"use an id that `certprep exams --skills {exam}` lists"


def _check_body(body) -> Iterator[Finding]:
    if isinstance(body, SingleBody):
        yield from _check_options(body.options, "options")
        if body.key not in {o.id for o in body.options}:
            yield ("key",), f"key {body.key!r} names no option", "set key to one of the option ids", "error"
    elif isinstance(body, MultipleBody):
        yield from _check_options(body.options, "options")
        yield from _check_key_list(body.key, body.options, "option")
        if body.choose != len(body.key):
            yield ("choose",), f"choose is {body.choose} but key has {len(body.key)} options", "make choose equal the number of keys", "error"
        if body.choose >= len(body.options):
            yield ("choose",), "choose leaves no distractor", "add options or lower choose", "error"
    elif isinstance(body, MatchingBody):
        yield from _check_options(body.sources, "sources")
        yield from _check_options(body.targets, "targets")
        sources, targets = {s.id for s in body.sources}, {t.id for t in body.targets}
        for t, s in body.key.items():
            if t not in targets:
                yield ("key", t), f"key target {t!r} is not a target", "key maps target ids to source ids", "error"
            if s not in sources:
                yield ("key", t), f"key source {s!r} is not a source", "key maps target ids to source ids", "error"
        for t in sorted(targets - body.key.keys()):
            yield ("key",), f"target {t!r} has no key", f"add `{t}: <source id>` to key", "error"
    elif isinstance(body, BuildListBody):
        yield from _check_options(body.steps, "steps")
        yield from _check_key_list(body.key, body.steps, "step")
    elif isinstance(body, DropdownBody):
        used, defined = BLANK.findall(body.template), [b.id for b in body.blanks]
        for b in sorted(set(used) - set(defined)):
            yield ("template",), f"blank {{{{{b}}}}} in the template is not defined", f"add a blank with id {b!r}", "error"
        for b in sorted(set(defined) - set(used)):
            yield ("blanks",), f"blank {b!r} does not appear in the template", f"write {{{{{b}}}}} where it goes", "error"
        for n, blank in enumerate(body.blanks):
            yield from _check_options(blank.options, ("blanks", n, "options"))
            if blank.key not in {o.id for o in blank.options}:
                yield ("blanks", n, "key"), f"blank {blank.id}: key {blank.key!r} names no option", "set key to one of its option ids", "error"
    elif isinstance(body, YesNoBody):
        yield from _check_parts(body.statements, "statements", "statement")


def _check_key_list(key: list[str], choices, noun: str) -> Iterator[Finding]:
    ids = {c.id for c in choices}
    for k in key:
        if k not in ids:
            yield ("key",), f"key {k!r} names no {noun}", f"use {noun} ids in key", "error"
    if len(set(key)) != len(key):
        yield ("key",), f"key lists the same {noun} twice", f"list each {noun} once", "error"


def _check_options(options, field: str | tuple) -> Iterator[Finding]:
    base = field if isinstance(field, tuple) else (field,)
    ids = [o.id for o in options]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        yield base, f"option id {dup!r} is used twice", "give every option its own id", "error"
    for n, o in enumerate(options):
        if not o.explanation.strip():
            yield (*base, n), f"{base[-1]} {o.id!r} has no explanation", "add `explanation:` saying why it is right or wrong", "error"


def _check_parts(parts, field: str, noun: str) -> Iterator[Finding]:
    ids = [p.id for p in parts]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        yield (field,), f"{noun} id {dup!r} is used twice", f"give every {noun} its own id", "error"
    for n, p in enumerate(parts):
        if not p.explanation.strip():
            yield (field, n), f"{noun} {p.id!r} has no explanation", "add `explanation:`", "error"


def _texts(item: AnyItem) -> Iterator[tuple[tuple, str]]:
    """Every learner-visible string of an item, with its location in the file."""
    def walk(value, loc: tuple):
        if isinstance(value, str):
            yield loc, value
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in ("id", "type", "skills", "refs", "source", "key", "status", "language", "kind"):
                    yield from walk(v, (*loc, k))
        elif isinstance(value, list):
            for n, v in enumerate(value):
                yield from walk(v, (*loc, n))
    yield from walk(item.model_dump(mode="json", exclude_none=True), ())


def _check_names(item: AnyItem, retired: list[RetiredName]) -> Iterator[Finding]:
    texts = list(_texts(item))
    yield from _check_retiring(texts, [rn for rn in retired if rn.retiring])
    for _, text in texts:
        for rn in retired:
            if rn.retiring:
                continue
            for m in rn.pattern.finditer(text):
                if rn.current is not None and not _inside_formerly(text, m.start()):
                    yield (), f"former name {rn.name!r} used", f"say {rn.current!r}, or write “(formerly {rn.name})” after it", "error"
                    break
                if rn.current is None and "retire" not in text.lower():
                    yield (), f"retired service {rn.name!r} named without saying it is retired", "use it only in migration items and say it is retired", "error"
                    break


def _check_retiring(texts: list[tuple[tuple, str]], retiring: list[RetiredName]) -> Iterator[Finding]:
    """A retiring service may be named (it still works), but the item must say somewhere when it
    retires, so that nobody learns it as the choice for new work: some text holds "retir" and,
    where the catalog has the date, its year."""
    services: dict[str, list[RetiredName]] = {}
    for rn in retiring:
        services.setdefault(rn.service, []).append(rn)
    for names in services.values():
        first = next(((loc, m.group()) for loc, text in texts for rn in names if (m := rn.pattern.search(text))), None)
        if first is None:
            continue
        when = names[0].retires_on
        year = str(when.year) if when else ""
        if not any("retir" in text.lower() and year in text for _, text in texts):
            on = f" on {when}" if when else ""
            yield (first[0], f"retiring service {first[1]!r} named without its retirement{on}",
                   f"say in the item that it retires{on} and what replaces it, or retire the item", "error")


def _inside_formerly(text: str, pos: int) -> bool:
    """True when `pos` is inside a parenthesis that starts with 'formerly'."""
    open_at = text.rfind("(", 0, pos)
    return open_at != -1 and text.find(")", open_at, pos) == -1 and text[open_at + 1:].lower().startswith("formerly")


def _shingles(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return frozenset(" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2)))


def _stem_text(item: AnyItem) -> str:
    """What makes an item's problem: a case study's scenario, a set's scenario and goal."""
    if isinstance(item, CaseStudyItem):
        return " ".join(t.content for t in item.scenario)
    if isinstance(item, ProblemSolutionItem):
        return f"{item.stem} {item.goal}"
    return item.stem


def _similarity(bank: Bank, a: str, b: str) -> float:
    words = [re.findall(r"[a-z0-9]+", _stem_text(bank.items[x]).lower()) for x in (a, b)]
    return difflib.SequenceMatcher(None, *words, autojunk=False).ratio()


def _near_duplicates(bank: Bank) -> list[Problem]:
    """Stems whose word sequences nearly match. Candidates come from shared word 3-shingles
    (an inverted index keeps it near-linear); difflib confirms them."""
    stems = {i.id: _shingles(_stem_text(i)) for i in bank.items.values()}
    stems = {k: v for k, v in stems.items() if len(v) >= 8}
    index: dict[str, list[str]] = {}
    for item_id, sh in stems.items():
        for s in sh:
            index.setdefault(s, []).append(item_id)
    out, seen = [], set()
    for item_id, sh in stems.items():
        shared: dict[str, int] = {}
        for s in sh:
            for other in index[s]:
                if other != item_id:
                    shared[other] = shared.get(other, 0) + 1
        for other, n in shared.items():
            pair = tuple(sorted((item_id, other)))
            if pair in seen:
                continue
            if n / len(sh | stems[other]) >= 0.5 and _similarity(bank, item_id, other) >= NEAR_DUPLICATE:
                seen.add(pair)
                a, b = pair
                out.append(Problem(_display(bank.paths[b]), 1, b, f"stem nearly duplicates {a}",
                                   "rewrite one of them or retire it", "warning"))
    return out


def lint_facts(content: Path, today: dt.date) -> list[Problem]:
    """The dated facts of the exam blueprints (`exams/*.yaml`) and of `career.yaml` under `content`."""
    out = []
    for path in sorted((content / "exams").glob("*.yaml")):
        out += check_facts(path, load_blueprint(path).facts(), today)
    if (content / "career.yaml").is_file():
        out += check_facts(content / "career.yaml", load_career(content).facts(), today)
    return out


def check_facts(path: Path, facts: Iterable[Fact], today: dt.date,
                max_age_days: int = STALE_AFTER_DAYS) -> list[Problem]:
    """Career and exam facts (`facts()` of a blueprint or the career file): a warning for each
    older than `max_age_days`, so the next check comes due on its own; an error for one dated
    after today. Facts about retired certifications are history and never come due."""
    text = path.read_text(encoding="utf-8")
    out = []
    for f in facts:
        age = (today - f.sourced.as_of).days
        line = locate(text, (*f.loc, "as_of"))
        if age < 0:
            out.append(Problem(_display(path), line, f.label, f"as_of {f.sourced.as_of} is after today ({today})",
                               "set as_of to the day you saw the source state the fact", "error"))
        elif age > max_age_days and not f.historical:
            out.append(Problem(_display(path), line, f.label,
                               f"fact is {age} days old (as of {f.sourced.as_of}; due after {max_age_days} days)",
                               f"check {f.sourced.source} again, then update the fact and its as_of", "warning"))
    return out
