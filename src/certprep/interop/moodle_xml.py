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
files read back exactly; other files' questions become drafts with the skill `unmapped`.
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
from certprep.interop.qti import Report
from certprep.interop.tabular import FormatError, _validate
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
            report.add(item.id, "skipped: Moodle has no case study type (use QTI)")
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


GAP = re.compile(r"\{\d*:(MULTICHOICE(?:_[SV]|_VS)?|MC[SV]?|MCVS):((?:\\.|[^}])*)\}")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


def _cloze(meta: dict, where: str, report: Report) -> dict | None:
    """A Cloze question's MULTICHOICE gaps as a drop-down item; other gap types are reported."""
    text = meta["stem"]
    if re.search(r"\{\d*:(SHORTANSWER|SA|MW|NUMERICAL|NM|MULTIRESPONSE|MR)", text):
        report.add(meta["id"], f"{where}: skipped: Cloze gaps other than MULTICHOICE have no certprep reading")
        return None
    blanks = []

    def blank(m) -> str:
        bid = f"b{len(blanks) + 1}"
        options, key = [], None
        for n, choice in enumerate(re.split(r"(?<!\\)~", m.group(2))):
            right = choice.startswith("=") or choice.startswith("%100%")
            choice = re.sub(r"^(=|%-?\d+%)", "", choice)
            label, *fb = re.split(r"(?<!\\)#", choice, maxsplit=1)
            options.append({"id": f"o{n + 1}", "text": _unescape(label), "explanation": _unescape(fb[0]) if fb else ""})
            if right:
                key = f"o{n + 1}"
        blanks.append({"id": bid, "options": options, "key": key or "o1"})
        if key is None:
            raise FormatError(f"{where}: gap {bid} has no right answer (=)")
        return "{{" + bid + "}}"

    template = GAP.sub(blank, text)
    stem, _, rest = template.partition("```")
    code = rest.rsplit("```", 1)[0].strip("\n") if rest else ""
    return {**meta, "type": "dropdown", "stem": stem.strip() or "Complete the text.",
            "template": code or template, "language": "text" if code else None, "blanks": blanks}


def import_moodle_xml(data: bytes, source: str) -> tuple[list[AnyItem], Report]:
    report = Report()
    try:
        quiz = etree.fromstring(data)
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"{source}:{exc.lineno}: not well-formed XML: {exc.msg}") from exc
    items, ours, tf = [], set(), {}
    for node in quiz:
        if isinstance(node, etree._Comment) and node.text.strip().startswith(MARK):
            record = json.loads(base64.b64decode(node.text.strip().removeprefix(MARK)))
            items.append(_validate(record, f"{source}:{node.sourceline}"))
            ours.add(record["id"])
    for q in quiz.iterfind("question"):
        qtype = q.get("type")
        if qtype == "category":
            continue
        name = q.findtext("name/text") or f"q{q.sourceline}"
        item_id, _, part = name.partition("#")
        if item_id in ours:
            continue
        item_id = re.sub(r"[^a-z0-9-]+", "-", item_id.lower()).strip("-") or f"moodle-{q.sourceline}"
        where = f"{source}:{q.sourceline} ({name})"
        meta = {"id": item_id, "status": "draft", "skills": ["unmapped"], "difficulty": 3,
                "stem": q.findtext("questiontext/text") or ""}
        answers = [(float(a.get("fraction", "0")), a.findtext("text") or "", a.findtext("feedback/text") or "")
                   for a in q.iterfind("answer")]
        if qtype == "multichoice":
            options = [{"id": chr(65 + i), "text": t, "explanation": fb} for i, (_, t, fb) in enumerate(answers)]
            keys = [chr(65 + i) for i, (f, _, _) in enumerate(answers) if f > 0]
            if not keys:
                raise FormatError(f"{where}: no answer has a positive fraction")
            single = (q.findtext("single") or "true").strip() == "true"
            data = ({**meta, "type": "single", "options": options, "key": keys[0]} if single else
                    {**meta, "type": "multiple", "options": options, "key": keys, "choose": len(keys)})
        elif qtype == "matching":
            subs = [(s.findtext("text") or "", s.findtext("answer/text") or "") for s in q.iterfind("subquestion")]
            sources = list(dict.fromkeys(a for _, a in subs))
            sid = {a: f"s{i}" for i, a in enumerate(sources, 1)}
            pairs = [(t, a) for t, a in subs if t]
            data = {**meta, "type": "matching", "sources": [{"id": sid[a], "text": a} for a in sources],
                    "targets": [{"id": f"t{i}", "text": t} for i, (t, _) in enumerate(pairs, 1)],
                    "key": {f"t{i}": sid[a] for i, (_, a) in enumerate(pairs, 1)}}
        elif qtype == "truefalse":
            truth = next((t.lower() == "true" for f, t, _ in answers if f > 0), True)
            fb = next((fb for _, _, fb in answers if fb), "")
            tf.setdefault(item_id, []).append({"id": part or f"s{len(tf.get(item_id, [])) + 1}",
                                               "text": meta["stem"], "key": truth, "explanation": fb})
            continue
        elif qtype == "cloze":
            data = _cloze(meta, where, report)
            if data is None:
                continue
        elif qtype == "ordering":
            data = {**meta, "type": "build_list",
                    "steps": [{"id": f"s{i}", "text": t, "explanation": fb} for i, (_, t, fb) in enumerate(answers, 1)],
                    "key": [f"s{i}" for i in range(1, len(answers) + 1)]}
        else:
            report.add(item_id, f"{where}: skipped: question type {qtype!r} has no certprep reading")
            continue
        items.append(_validate(data, where))
    for item_id, statements in tf.items():
        items.append(_validate({"id": item_id, "status": "draft", "skills": ["unmapped"], "difficulty": 3,
                                "type": "yes_no", "stem": "For each statement, select Yes if it is true. Otherwise, select No.",
                                "statements": statements}, f"{source}: {item_id}"))
        report.add(item_id, "true/false questions read as one Yes/No series")
    return items, report
