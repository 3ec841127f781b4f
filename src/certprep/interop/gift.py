"""Moodle GIFT: export and import of the types GIFT has.

    single            multichoice, one right answer (=right ~wrong), feedback after #
    multiple          multichoice with weights: each key +100/N %, each distractor −100/N %
                      (Moodle does not cap the choices; a wrong pick cancels a right one)
    matching          matching (=target -> source); spare sources cannot be written
    yes_no            one true/false question per statement
    problem_solution  one true/false question per solution
    build_list, dropdown, case_study: GIFT has no such type (Moodle XML carries some of them)

Categories are the item's domain in the first exam that tests it (`$CATEGORY: certprep/ai102.6`).
Every change or omission is reported per item. Titles carry the item id, so our own files read back
with their ids: `::docintel-invoice-prebuilt::`, `::keys-statements#s2::` for one statement.
"""

from __future__ import annotations

import json
import re

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import AnyItem, MatchingItem, MultipleItem, ProblemSolutionItem, SingleItem, YesNoItem
from certprep.interop.qti import Report
from certprep.interop.tabular import FormatError, _validate

SPECIAL = re.compile(r"([~=#{}:\\])")


def esc(text: str) -> str:
    """GIFT text on one line: special characters escaped, line breaks written as \\n."""
    return SPECIAL.sub(r"\\\1", text.strip()).replace("\n", "\\n")


def unesc(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text).strip()


def _category(item: AnyItem, blueprints: dict[str, Blueprint]) -> str:
    for bp in blueprints.values():
        for skill in item.all_skills():
            if skill in bp.skills:
                return f"certprep/{bp.domain_of_skill[skill].id}"
    return "certprep/unmapped"


def export_gift(items: list[AnyItem], blueprints: dict[str, Blueprint]) -> tuple[str, Report]:
    report, out, category = Report(), [], None
    for item in items:
        cat = _category(item, blueprints)
        if cat != category:
            out.append(f"$CATEGORY: {cat}\n")
            category = cat
        out.append(f"// certprep-item: {json.dumps(item.model_dump(mode='json'), ensure_ascii=False)}")
        if isinstance(item, SingleItem):
            answers = " ".join(f"{'=' if o.id == item.key else '~'}{esc(o.text)}#{esc(o.explanation)}" for o in item.options)
            out.append(f"::{item.id}::{esc(item.stem)} {{{answers}}}\n")
        elif isinstance(item, MultipleItem):
            share = 100 / len(item.key)
            weight = f"{share:.5f}".rstrip("0").rstrip(".")
            answers = " ".join(f"~%{'' if o.id in item.key else '-'}{weight}%{esc(o.text)}#{esc(o.explanation)}"
                               for o in item.options)
            out.append(f"::{item.id}::{esc(item.stem)} {{{answers}}}\n")
            report.add(item.id, f"Moodle does not cap choices at {item.choose}; each wrong pick cancels a right one")
        elif isinstance(item, MatchingItem):
            names = {s.id: s.text for s in item.sources}
            pairs = " ".join(f"={esc(t.text)} -> {esc(names[item.key[t.id]])}" for t in item.targets)
            out.append(f"::{item.id}::{esc(item.stem)} {{{pairs}}}\n")
            spare = [s.id for s in item.sources if s.id not in item.key.values()]
            note = "matching: explanations and source ids are not kept"
            report.add(item.id, note + (f"; spare sources dropped: {', '.join(spare)}" if spare else ""))
        elif isinstance(item, (YesNoItem, ProblemSolutionItem)):
            parts = item.statements if isinstance(item, YesNoItem) else item.solutions
            lead = item.stem if isinstance(item, YesNoItem) else f"{item.stem} Goal: {item.goal} Solution:"
            for p in parts:
                out.append(f"::{item.id}#{p.id}::{esc(lead)} {esc(p.text)} {{{'T' if p.key else 'F'}#{esc(p.explanation)}}}\n")
            report.add(item.id, f"one true/false question per {'statement' if isinstance(item, YesNoItem) else 'solution'}")
        else:
            report.add(item.id, f"skipped: GIFT has no {item.type.replace('_', ' ')} type (use Moodle XML or QTI)")
    return "\n".join(out), report


QUESTION = re.compile(r"::(?P<title>(?:\\.|[^:])*)::(?P<stem>(?:\\.|[^{])*)\{(?P<body>(?:\\.|[^}])*)\}", re.S)


def import_gift(text: str, source: str) -> tuple[list[AnyItem], Report]:
    """Our own GIFT files read back exactly (each item's record rides in a `// certprep-item:`
    comment); other files' questions become drafts with the placeholder skill `unmapped`."""
    report, items, tf = Report(), [], {}
    ours = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("// certprep-item: "):
            try:
                data = json.loads(line.removeprefix("// certprep-item: "))
            except json.JSONDecodeError as exc:
                raise FormatError(f"{source}:{number}: a certprep-item comment is not valid JSON: {exc.msg}") from exc
            ours[data["id"]] = _validate(data, f"{source}:{number}")
    items.extend(ours.values())
    body_text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("//", "$CATEGORY")))
    for n, m in enumerate(QUESTION.finditer(body_text), 1):
        title, stem, body = unesc(m.group("title")), unesc(m.group("stem")), m.group("body").strip()
        if title.partition("#")[0] in ours:
            continue  # read exactly from its comment
        item_id, _, part = title.partition("#")
        item_id = re.sub(r"[^a-z0-9-]+", "-", item_id.lower()).strip("-") or f"gift-{n}"
        meta = {"id": item_id, "status": "draft", "skills": ["unmapped"], "difficulty": 3, "stem": stem}
        where = f"{source}: question {n} ({title})"
        if body in ("T", "F", "TRUE", "FALSE") or re.match(r"^(T|F|TRUE|FALSE)\s*#", body):
            value, _, fb = body.partition("#")
            tf.setdefault(item_id, (meta, []))[1].append(
                {"id": part or f"s{len(tf.get(item_id, (None, []))[1]) + 1}", "text": stem,
                 "key": value.strip().startswith("T"), "explanation": unesc(fb)})
            continue
        if "->" in body:
            pairs = [re.split(r"\s*->\s*", unesc(p), maxsplit=1) for p in re.split(r"(?<!\\)=", body) if p.strip()]
            sources = list(dict.fromkeys(s for _, s in pairs))
            sid = {s: f"s{i}" for i, s in enumerate(sources, 1)}
            data = {**meta, "type": "matching", "key": {f"t{i}": sid[s] for i, (_, s) in enumerate(pairs, 1)},
                    "sources": [{"id": sid[s], "text": s} for s in sources],
                    "targets": [{"id": f"t{i}", "text": t} for i, (t, _) in enumerate(pairs, 1)]}
        else:
            answers = re.findall(r"(?<!\\)([=~])((?:\\.|[^=~])*)", body)
            options, keys, weighted = [], [], False
            for i, (mark, rest) in enumerate(answers):
                weight = re.match(r"%(-?[\d.]+)%", rest)
                rest = rest[weight.end():] if weight else rest
                text, *feedback = re.split(r"(?<!\\)#", rest, maxsplit=1)
                fb = feedback[0] if feedback else ""
                oid = chr(65 + i)
                options.append({"id": oid, "text": unesc(text), "explanation": unesc(fb)})
                if mark == "=" or (weight and float(weight.group(1)) > 0):
                    keys.append(oid)
                weighted |= bool(weight)
            if not options:
                raise FormatError(f"{where}: no answers inside {{…}}")
            if not keys:
                raise FormatError(f"{where}: no answer is marked right (= or a positive %weight%)")
            data = ({**meta, "type": "multiple", "options": options, "key": keys, "choose": len(keys)} if weighted
                    else {**meta, "type": "single", "options": options, "key": keys[0]})
        items.append(_validate(data, where))
    for item_id, (meta, statements) in tf.items():
        lead = meta["stem"]
        data = {**meta, "type": "yes_no", "stem": "For each statement, select Yes if it is true. Otherwise, select No.",
                "statements": statements}
        report.add(item_id, f"true/false questions read as one Yes/No series ({lead[:40]}…)")
        items.append(_validate(data, f"{source}: {item_id}"))
    return items, report
