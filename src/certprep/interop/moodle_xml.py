"""Moodle XML: export and import.

    single            multichoice (single): the key 100 %, distractors 0 %
    multiple          multichoice (multiple): each key +100/N %, each distractor −100/N %
    matching          matching; spare sources as answers without a question
    yes_no            one truefalse question per statement
    problem_solution  one truefalse question per solution
    dropdown          multianswer (Cloze): a MULTICHOICE gap per blank, explanations as feedback
    build_list        ordering (the question type shipped with Moodle 4.4+); spare steps are dropped
    case_study        no Moodle type: reported and skipped

Categories follow domains (`$course$/certprep/ai102.6`). Every change or omission is reported per
item. Each exported item's certprep record rides in an XML comment (base64 JSON), so our own
files read back exactly; reading Moodle XML, ours and others', is `moodle_xml_read`'s job.
"""

from __future__ import annotations

import base64
import json
import re

from lxml import etree

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import (
    AnyItem, BuildListItem, CaseStudyItem, DropdownItem, MatchingItem, MultipleItem, ProblemSolutionItem, SingleItem,
    YesNoItem,
)
from certprep.interop.gift import _category
from certprep.interop.moodle_xml_read import import_moodle_xml
from certprep.interop.qti import Report
from certprep.markup import BLANK

MARK = "certprep-item:"


def _text(parent, tag: str, value: str, fmt: str | None = None):
    el = etree.SubElement(parent, tag, {"format": fmt} if fmt else {})
    etree.SubElement(el, "text").text = value
    return el


def _question(quiz, qtype: str, name: str, text: str):
    q = etree.SubElement(quiz, "question", {"type": qtype})
    _text(q, "name", name)
    _text(q, "questiontext", text, "markdown")
    return q


def _answer(q, fraction: float, text: str, feedback: str = "") -> None:
    a = etree.SubElement(q, "answer", {"fraction": f"{fraction:g}", "format": "markdown"})
    etree.SubElement(a, "text").text = text
    if feedback:
        _text(a, "feedback", feedback, "markdown")


def _cloze_escape(text: str) -> str:
    return re.sub(r"([}#~/\"\\=])", r"\\\1", text)


def export_moodle_xml(items: list[AnyItem], blueprints: dict[str, Blueprint]) -> tuple[bytes, Report]:
    report, quiz, category = Report(), etree.Element("quiz"), None
    for item in items:
        cat = _category(item, blueprints)
        if cat != category:
            c = etree.SubElement(quiz, "question", {"type": "category"})
            _text(c, "category", f"$course$/{cat}")
            category = cat
        if isinstance(item, CaseStudyItem):
            report.leave_out(item.id, "Moodle has no case study type (use QTI)")
            continue
        quiz.append(etree.Comment(" " + MARK + base64.b64encode(
            json.dumps(item.model_dump(mode="json"), ensure_ascii=False).encode()).decode() + " "))
        if isinstance(item, (SingleItem, MultipleItem)):
            q = _question(quiz, "multichoice", item.id, item.stem)
            single = isinstance(item, SingleItem)
            etree.SubElement(q, "single").text = "true" if single else "false"
            share = 100 if single else 100 / len(item.key)
            keys = {item.key} if single else set(item.key)
            for o in item.options:
                _answer(q, share if o.id in keys else (0 if single else -share), o.text, o.explanation)
            if not single:
                report.add(item.id, f"Moodle does not cap choices at {item.choose}; each wrong pick cancels a right one")
        elif isinstance(item, MatchingItem):
            q = _question(quiz, "matching", item.id, item.stem)
            names = {s.id: s.text for s in item.sources}
            for t in item.targets:
                sub = etree.SubElement(q, "subquestion", {"format": "markdown"})
                etree.SubElement(sub, "text").text = t.text
                _text(sub, "answer", names[item.key[t.id]])
            for s in item.sources:
                if s.id not in item.key.values():  # a spare source: an answer without a question
                    sub = etree.SubElement(q, "subquestion", {"format": "markdown"})
                    etree.SubElement(sub, "text").text = ""
                    _text(sub, "answer", s.text)
            report.add(item.id, "matching: explanations are not kept (Moodle has no feedback per pair)")
        elif isinstance(item, (YesNoItem, ProblemSolutionItem)):
            parts = item.statements if isinstance(item, YesNoItem) else item.solutions
            lead = item.stem if isinstance(item, YesNoItem) else f"{item.stem}\n\n**Goal:** {item.goal}\n\n**Solution:**"
            for p in parts:
                q = _question(quiz, "truefalse", f"{item.id}#{p.id}", f"{lead}\n\n{p.text}")
                _answer(q, 100 if p.key else 0, "true", p.explanation)
                _answer(q, 0 if p.key else 100, "false", p.explanation)
            report.add(item.id, "one true/false question per " + ("statement" if isinstance(item, YesNoItem) else "solution"))
        elif isinstance(item, DropdownItem):
            blanks = {b.id: b for b in item.blanks}

            def gap(m) -> str:
                b = blanks[m.group(1)]
                choices = "~".join(("=" if o.id == b.key else "") + _cloze_escape(o.text) + "#" + _cloze_escape(o.explanation)
                                   for o in b.options)
                return "{1:MULTICHOICE:" + choices + "}"

            body = BLANK.sub(gap, item.template)
            text = f"{item.stem}\n\n" + (f"```\n{body}\n```" if item.language else body)
            _question(quiz, "cloze", item.id, text)
        elif isinstance(item, BuildListItem):
            q = _question(quiz, "ordering", item.id, item.stem)
            steps = {s.id: s for s in item.steps}
            for n, k in enumerate(item.key, 1):
                _answer(q, n, steps[k].text, steps[k].explanation)
            spare = [s.id for s in item.steps if s.id not in item.key]
            report.add(item.id, "ordering: Moodle grades the order its own way" +
                       (f"; spare steps dropped: {', '.join(spare)}" if spare else ""))
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True), report


__all__ = ["export_moodle_xml", "import_moodle_xml"]
