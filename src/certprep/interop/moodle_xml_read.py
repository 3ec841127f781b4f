"""Reading Moodle XML, ours and others'.

    multichoice          single (<single>true</single>: the answer worth 100 % is the key) or multiple
                         (answers with a positive fraction are the keys); partial credit, unequal
                         weights and penalties are reported
    truefalse            a single-answer True/False item; questions named `id#part` (our export of a
                         Yes/No series) group back into one yes_no item
    matching             matching; subquestions without text are spare sources
    cloze (multianswer)  dropdown, when every gap is MULTICHOICE
    gapselect, ddwtos    dropdown: one drop-down per gap, with the choices of the gap's group
    ordering             build list
    shortanswer, numerical, essay, description, calculated …: reported, not imported

Texts are read in their format (`html` is sanitised and made Markdown); images in them and
attached files (<file>, the older <image>) cannot be kept and are reported. Our own files carry
each item's record in an XML comment and read back exactly; other files' questions become drafts
with the placeholder skill `unmapped`.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re

import nh3
from lxml import etree

from certprep.bank.items import AnyItem
from certprep.interop.importing import matching as matching_item
from certprep.interop.importing import (
    TF_NOTE, FileReader, ImportReport, Skipped, Unreadable, admit, draft, excerpt, item_id, keyed_choice, letter, paused_gc,
    true_false, validate,
)
from certprep.interop.rich_text import split_marker, to_markdown
from certprep.interop.tabular import FormatError

MARK = "certprep-item:"
AUTO = "moodle_auto_format"  # Moodle's format when a text names none
GAP = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^}])*)\}")
MULTICHOICE = {"MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH", "MULTICHOICE_S", "MCS",
               "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS"}
NOT_HELD = {
    "shortanswer": "certprep has no type for a typed answer",
    "numerical": "certprep has no type for a typed number",
    "essay": "an essay is marked by hand; certprep has no free-text type",
    "description": "a description has no question to answer",
    "calculated": "a calculated question draws random values; certprep has no such type",
    "calculatedsimple": "a calculated question draws random values; certprep has no such type",
    "calculatedmulti": "a calculated question draws random values; certprep has no such type",
    "randomsamatch": "its questions are drawn at random from short-answer questions",
    "random": "it stands for a question drawn at random from a category",
    "ddimageortext": "drag and drop onto an image: certprep items hold text",
    "ddmarker": "drag and drop onto an image: certprep items hold text",
}


def plain(text: str) -> str:
    """HTML as plain text (for a drop-down's choices, shown as they are)."""
    return html.unescape(nh3.clean(text, tags=set())).strip()


def unescape_gap(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


class Reader(FileReader):
    """Reads one file's questions into items, notes and skipped questions."""

    def read(self, quiz) -> tuple[list[AnyItem], ImportReport]:
        number = 0
        for node in quiz:
            if isinstance(node, etree._Comment) and (node.text or "").strip().startswith(MARK):
                self.record(node, number + 1)
            elif node.tag == "question" and node.get("type") != "category":
                number += 1
                try:
                    item = self.question(node, number)
                except Unreadable as exc:
                    name = (node.findtext("name/text") or "").strip()
                    stem = node.findtext("questiontext/text") or ""
                    self.report.skipped.append(Skipped(f"{self.source}:{node.sourceline}", number,
                                                       excerpt(name or plain(stem)), node.get("type") or "?", str(exc)))
                    continue
                if item is not None:
                    self.items.append(item)
        self.items.extend(self.series.items(self.report))
        return self.items, self.report

    def record(self, node, number: int) -> None:
        """The item our own export wrote before question `number`."""
        try:
            item = validate(json.loads(base64.b64decode(node.text.strip().removeprefix(MARK), validate=True)))
        except (binascii.Error, ValueError, Unreadable) as exc:
            self.report.skipped.append(Skipped(f"{self.source}:{node.sourceline}", number, "certprep-item comment",
                                               "certprep record", f"the record does not read ({exc}); the question "
                                               "after it is read from its Moodle XML instead"))
            return
        self.ours.add(item.id)
        self.items.append(admit(item, self.report))

    def text(self, el, media: list[str], default: str = AUTO) -> str:
        """The Markdown of an element holding <text>, read in the format the element names."""
        if el is None:
            return ""
        return to_markdown(el.findtext("text") or "", el.get("format") or default, media)

    def question(self, q, number: int) -> AnyItem | None:
        qtype = q.get("type") or ""
        name = (q.findtext("name/text") or "").strip()
        base, _, part = name.partition("#")
        identifier = item_id(base, self.stem, number)
        previous = q.getprevious()
        if identifier in self.ours and (part or isinstance(previous, etree._Comment)):
            return None  # the Moodle form of an item read exactly from its record
        if qtype in NOT_HELD:
            raise Unreadable(NOT_HELD[qtype])
        media: list[str] = []
        notes: list[str] = []
        qt = q.find("questiontext")
        meta = draft(identifier, "" if qtype in ("cloze", "gapselect", "ddwtos") else self.text(qt, media))
        if qtype == "multichoice":
            single = (q.findtext("single") or "true").strip().lower() in ("true", "1")
            answers = q.findall("answer")
            options = [self.option(i, a, notes) for i, a in enumerate(answers)]
            data = keyed_choice(meta, options, [self.fraction(a) for a in answers], notes, single)
        elif qtype == "truefalse":
            answers = {(a.findtext("text") or "").strip().lower(): a for a in q.iterfind("answer")}
            if set(answers) != {"true", "false"}:
                raise Unreadable("a true/false question needs the answers true and false")
            full = [v for v, a in answers.items() if self.fraction(a) == 100]
            if len(full) != 1:
                raise Unreadable(f"{len(full)} of the answers true and false are worth 100 %")
            truth = full == ["true"]
            true_fb, false_fb = (self.text(answers[v].find("feedback"), []) for v in ("true", "false"))
            if part:
                self.series.add(identifier, f"{self.source}:{q.sourceline}", number, part, meta["stem"], truth,
                                true_fb, false_fb)
                return None
            data = true_false(meta, truth, true_fb, false_fb)
            notes.append(TF_NOTE)
        elif qtype == "matching":
            data = self.matching(q, meta)
        elif qtype == "cloze":
            data = self.cloze(qt, meta, notes, media)
        elif qtype in ("gapselect", "ddwtos"):
            data = self.gaps(q, qt, meta, notes, media)
        elif qtype == "ordering":
            steps = [self.option(i, a, notes) for i, a in enumerate(q.iterfind("answer"))]
            data = {**meta, "type": "build_list", "steps": [{**s, "id": f"s{i}"} for i, s in enumerate(steps, 1)],
                    "key": [f"s{i}" for i in range(1, len(steps) + 1)]}
        else:
            raise Unreadable(f"certprep has no reading of the question type {qtype!r}")
        attached = [f.get("name") or "file" for f in q.iter("file")]
        attached += [(i.text or "image").strip().rsplit("/", 1)[-1] for i in q.iter("image") if (i.text or "").strip()]
        notes += [f"the image or file {m} is not kept (certprep items hold text)" for m in dict.fromkeys(media + attached)]
        if self.text(q.find("generalfeedback"), []):
            notes.append("the general feedback is not kept: certprep keeps an explanation per option")
        item = admit(validate(data), self.report)
        for note in notes:
            self.report.add(item.id, note)
        return item

    @staticmethod
    def fraction(answer) -> float:
        try:
            return float(answer.get("fraction", "0"))
        except ValueError:
            raise Unreadable(f"the fraction {answer.get('fraction')!r} is not a number") from None

    def option(self, i: int, answer, notes: list[str]) -> dict:
        media: list[str] = []
        label = self.text(answer, media)
        if media and not label:
            raise Unreadable(f"option {letter(i)} is an image ({', '.join(media)}): certprep options are text")
        notes.extend(f"option {letter(i)}'s image {m} is not kept" for m in media)
        return {"id": letter(i), "text": label, "explanation": self.text(answer.find("feedback"), [])}

    def matching(self, q, meta: dict) -> dict:
        pairs = []
        for sub in q.iterfind("subquestion"):
            media: list[str] = []
            target = self.text(sub, media)
            source = to_markdown(sub.findtext("answer/text") or "", AUTO, media)
            if media:
                raise Unreadable(f"a subquestion holds an image ({', '.join(media)}): certprep items hold text")
            if not source:
                raise Unreadable(f"the subquestion {excerpt(target)!r} has no answer")
            pairs.append((target, source))
        return matching_item(meta, pairs)

    @staticmethod
    def source_text(qt) -> tuple[str, str]:
        """The question text as written, and its format."""
        return split_marker(qt.findtext("text") or "", qt.get("format") or AUTO) if qt is not None else ("", AUTO)

    @staticmethod
    def dropdown(meta: dict, text: str, blanks: list[dict]) -> dict:
        """A dropdown item from Markdown with {{blank}} marks; code in a fence is the template (our export)."""
        stem, _, rest = text.partition("```")
        code = rest.rsplit("```", 1)[0].strip("\n") if rest else ""
        return {**meta, "type": "dropdown", "stem": stem.strip() if code else "Complete the text.",
                "template": code or text, "language": "text" if code else None, "blanks": blanks}

    def cloze(self, qt, meta: dict, notes: list[str], media: list[str]) -> dict:
        """Cloze gaps: every one must be MULTICHOICE, with exactly one choice worth 100 %."""
        raw, fmt = self.source_text(qt)
        other = sorted({m.group(2) for m in GAP.finditer(raw)} - MULTICHOICE)
        if other:
            raise Unreadable(f"gaps of type {', '.join(other)}: only MULTICHOICE gaps become drop-downs")
        label = plain if fmt == "html" else str.strip
        blanks: list[dict] = []

        def gap(m) -> str:
            n = len(blanks) + 1
            options, weights = [], []
            for i, choice in enumerate(re.split(r"(?<!\\)~", m.group(3)), 1):
                w = re.match(r"\s*(=|%(-?\d+(?:\.\d+)?)%)", choice)
                weights.append(100.0 if w and w.group(1) == "=" else float(w.group(2)) if w else 0.0)
                text, *fb = re.split(r"(?<!\\)#", choice[w.end():] if w else choice, maxsplit=1)
                options.append({"id": f"o{i}", "text": label(unescape_gap(text)),
                                "explanation": label(unescape_gap(fb[0])) if fb else ""})
            full = [o["id"] for o, w in zip(options, weights) if w == 100]
            if len(full) != 1:
                raise Unreadable(f"gap {n} has {len(full)} answers worth 100 %: a drop-down has one key")
            if any(0 < w < 100 for w in weights):
                notes.append(f"gap {n}: partial credit not kept (only the 100 % answer is the key)")
            blanks.append({"id": f"b{n}", "options": options, "key": full[0]})
            return "{{b" + str(n) + "}}"

        return self.dropdown(meta, to_markdown(GAP.sub(gap, raw), fmt, media), blanks)

    def gaps(self, q, qt, meta: dict, notes: list[str], media: list[str]) -> dict:
        """gapselect and ddwtos: [[n]] marks a gap whose right choice is the n-th; the gap offers
        the choices of that choice's group."""
        raw, fmt = self.source_text(qt)
        tag = "selectoption" if q.get("type") == "gapselect" else "dragbox"
        choices = [(plain(c.findtext("text") or ""), (c.findtext("group") or "1").strip(), c.find("infinite") is not None)
                   for c in q.iterfind(tag)]
        blanks: list[dict] = []

        def gap(m) -> str:
            n = int(m.group(1))
            if not 1 <= n <= len(choices):
                raise Unreadable(f"the gap [[{n}]] names no choice (there are {len(choices)})")
            group = choices[n - 1][1]
            bid = f"b{len(blanks) + 1}"
            blanks.append({"id": bid, "key": f"o{n}", "options": [
                {"id": f"o{i}", "text": text} for i, (text, g, _) in enumerate(choices, 1) if g == group]})
            return "{{" + bid + "}}"

        text = to_markdown(re.sub(r"\[\[(\d+)\]\]", gap, raw), fmt, media)
        if tag == "dragbox":
            notes.append("drag and drop into text: imported as a drop-down per gap"
                         + ("; a choice may now be used more than once" if not all(c[2] for c in choices) else ""))
        return self.dropdown(meta, text, blanks)


def import_moodle_xml(data: bytes, source: str) -> tuple[list[AnyItem], ImportReport]:
    """Items read from a Moodle XML file, and the report of changes and of questions not imported."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        quiz = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"{source}:{exc.lineno}: not well-formed XML: {exc.msg}") from exc
    if quiz.tag != "quiz":
        raise FormatError(f"{source}: the root element is <{quiz.tag}>, not Moodle XML's <quiz>")
    with paused_gc():
        return Reader(source).read(quiz)
