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
with their ids: `::docintel-invoice-prebuilt::`, `::keys-statements\\#s2::` for one statement (every
special character is escaped, in titles too). Reading GIFT is `gift_read`'s job.
"""

from __future__ import annotations

import json
import re

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import AnyItem, MatchingItem, MultipleItem, ProblemSolutionItem, SingleItem, YesNoItem
from certprep.interop.gift_read import import_gift
from certprep.interop.qti import Report

SPECIAL = re.compile(r"([~=#{}:\\])")


def esc(text: str) -> str:
    """GIFT text on one line: special characters escaped, line breaks written as \\n."""
    return SPECIAL.sub(r"\\\1", text.strip()).replace("\n", "\\n")


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
            out.append(f"::{esc(item.id)}::{esc(item.stem)} {{{answers}}}\n")
        elif isinstance(item, MultipleItem):
            share = 100 / len(item.key)
            weight = f"{share:.5f}".rstrip("0").rstrip(".")
            answers = " ".join(f"~%{'' if o.id in item.key else '-'}{weight}%{esc(o.text)}#{esc(o.explanation)}"
                               for o in item.options)
            out.append(f"::{esc(item.id)}::{esc(item.stem)} {{{answers}}}\n")
            report.add(item.id, f"Moodle does not cap choices at {item.choose}; each wrong pick cancels a right one")
        elif isinstance(item, MatchingItem):
            names = {s.id: s.text for s in item.sources}
            pairs = " ".join(f"={esc(t.text)} -> {esc(names[item.key[t.id]])}" for t in item.targets)
            out.append(f"::{esc(item.id)}::{esc(item.stem)} {{{pairs}}}\n")
            spare = [s.id for s in item.sources if s.id not in item.key.values()]
            note = "matching: explanations and source ids are not kept"
            report.add(item.id, note + (f"; spare sources dropped: {', '.join(spare)}" if spare else ""))
        elif isinstance(item, (YesNoItem, ProblemSolutionItem)):
            parts = item.statements if isinstance(item, YesNoItem) else item.solutions
            lead = item.stem if isinstance(item, YesNoItem) else f"{item.stem} Goal: {item.goal} Solution:"
            for p in parts:
                out.append(f"::{esc(f'{item.id}#{p.id}')}::{esc(lead)} {esc(p.text)} {{{'T' if p.key else 'F'}#{esc(p.explanation)}}}\n")
            report.add(item.id, f"one true/false question per {'statement' if isinstance(item, YesNoItem) else 'solution'}")
        else:
            report.leave_out(item.id, f"GIFT has no {item.type.replace('_', ' ')} type (use Moodle XML or QTI)")
    return "\n".join(out), report


__all__ = ["export_gift", "import_gift", "esc"]
