"""Reading GIFT (Moodle's text format), ours and others', in one pass.

As Moodle reads it: a blank line ends a question; lines starting with `//` are comments;
`$CATEGORY:` blocks name categories; `::title::` is optional; `\\` escapes `~ = # { } :`.
Each question's type follows from its answer block, and maps like this:

    {=right ~wrong}            single (answers worth 100 % are keys; partial credit is reported)
    {~%50%a ~%50%b ~%-100%c}   multiple (answers with positive weights are keys; penalties reported)
    text {=…~…} more text      a missing-word question: single, the blank written as _____
    {=a -> 1 =b -> 2}          matching
    {T} {FALSE#wrong#right}    true/false: a single-answer True/False item; `::id#part::` titles
                               (our own export of a Yes/No series) group back into one yes_no item
    {=Frog =Cat}  {#3:0.5}  {}  short answer, numerical, essay: reported, not imported
    no answer block            description: reported, not imported

Our own files carry each item's record in a `// certprep-item:` comment and read back exactly.
Other files' questions become drafts with the placeholder skill `unmapped`; untitled ones get an
id from the file name and their position (`quiz-q3`).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from certprep.bank.items import AnyItem
from certprep.interop.importing import matching as matching_item
from certprep.interop.importing import (
    TF_NOTE, FileReader, ImportReport, Skipped, Unreadable, admit, draft, excerpt, item_id, keyed_choice, letter, paused_gc,
    true_false, validate,
)
from certprep.interop.rich_text import split_marker, to_markdown

RECORD = "// certprep-item: "
TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}
WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
BLANK_MARK = "_____"
NOT_HELD = {
    "description": "a description has no question to answer",
    "essay": "an essay is marked by hand; certprep has no free-text type",
    "numerical": "certprep has no type for a typed number",
    "shortanswer": "certprep has no type for a typed answer (its answers would become options, and the accepted "
                   "answers would be given away)",
}


@dataclass
class Block:
    line: int  # where the question starts
    text: str  # its lines (trimmed, comments left out), joined
    records: list[str]  # certprep-item comments


def blocks(text: str):
    """Questions as Moodle splits them: at blank lines, comment lines left out. Linear."""
    lines, records, start = [], [], 0
    for number, raw in enumerate(text.splitlines() + [""], 1):
        line = raw.strip()
        if not line:
            if lines or records:  # records alone: items our export kept though GIFT cannot write them
                yield Block(start or number, "\n".join(lines), records)
            lines, records = [], []
        elif line.startswith("//"):
            if line.startswith(RECORD.strip()):
                records.append(line.removeprefix(RECORD.strip()).strip())
        else:
            start = start if lines else number
            lines.append(line)


@functools.cache
def _cutter(separators: str) -> re.Pattern:
    return re.compile(r"\\.|(" + separators + ")", re.S)


def split(raw: str, separators: str) -> list[str]:
    """`raw` cut at unescaped separators (a regex), escapes kept: [text, sep, text, sep, text …]."""
    parts, last = [], 0
    for m in _cutter(separators).finditer(raw):
        if m.group(1):
            parts += [raw[last:m.start()], m.group(1)]
            last = m.end()
    return parts + [raw[last:]]


def unesc(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text, flags=re.S).strip()


def sections(text: str) -> tuple[str, str, str | None, str]:
    """Title, text before the answers, the answer block (None when there is none) and text after it."""
    title = ""
    if text.startswith("::"):
        cut = split(text[2:], "::")
        if len(cut) == 1:
            raise Unreadable("the title's opening :: has no closing :: (escape a literal colon as \\:)")
        title, text = cut[0], "".join(cut[2:])
    cut = split(text, r"[{}]")
    if len(cut) == 1:
        return title, text, None, ""
    if cut[1] == "}":
        raise Unreadable("a } without an opening { (escape a literal brace as \\})")
    if len(cut) == 3:
        raise Unreadable("the answers' { is not closed by } before the blank line that ends the question")
    if cut[3] == "{":
        raise Unreadable("a second { inside the answers: is a } missing, or the blank line before the next "
                         "question? (escape a literal brace as \\{)")
    if len(cut) > 5:
        raise Unreadable("two answer blocks {…} in one question: separate questions with a blank line")
    return title, cut[0], cut[2], cut[4]


@dataclass
class Answer:
    mark: str  # = or ~
    weight: float  # per cent
    text: str  # raw, escapes kept
    feedback: str


def answers(body: str) -> list[Answer]:
    cut = split(body, "[=~]")
    if cut[0].strip():
        raise Unreadable(f"text before the first answer: {excerpt(unesc(cut[0]))!r} (answers start with = or ~)")
    out = []
    for mark, rest in zip(cut[1::2], cut[2::2]):
        w = WEIGHT.match(rest)
        weight = float(w.group(1)) if w else (100.0 if mark == "=" else 0.0)
        text, *feedback = split(rest[w.end():] if w else rest, "#")
        out.append(Answer(mark, weight, text, "".join(feedback[1:])))
    return out


def qtype(body: str | None) -> str:
    """The question's type, named as Moodle names it."""
    if body is None:
        return "description"
    body = split(body, "####")[0].strip()
    if not body:
        return "essay"
    if body.startswith("#"):
        return "numerical"
    marks = split(body, "[=~]")[1::2]
    if "~" in marks:
        return "multichoice"
    if not marks:
        return "truefalse"
    return "matching" if all(len(split(a, "->")) > 1 for a in split(body, "=")[2::2]) else "shortanswer"


class Reader(FileReader):
    """Reads one file's questions into items, notes and skipped questions."""

    def text(self, raw: str, fmt: str, media: list[str]) -> str:
        return to_markdown(unesc(raw), fmt, media)

    def question(self, block: Block, number: int) -> AnyItem | None:
        title_raw, head, body, tail = sections(block.text)
        title = unesc(title_raw)
        kind = qtype(body)
        base, _, part = title.partition("#")
        identifier = item_id(base, self.stem, number)
        if identifier in self.ours and (part or block.records):
            return None  # the GIFT form of an item read exactly from its record
        if kind in NOT_HELD:
            raise Unreadable(NOT_HELD[kind])
        head, fmt = split_marker(head.lstrip(), "moodle_auto_format")
        media: list[str] = []
        stem = self.text(head, fmt, media)
        if tail.strip():
            stem = f"{stem} {BLANK_MARK} {self.text(tail, fmt, media)}".strip()
        body, *general = split(body, "####")
        meta = draft(identifier, stem)
        notes = [f"the stem's image {m} is not kept (certprep items hold text)" for m in media]
        if general:
            notes.append("the general feedback (after ####) is not kept: certprep keeps an explanation per option")
        if tail.strip():
            notes.append(f"a missing-word question: the blank is shown as {BLANK_MARK} in the stem")
        if kind == "truefalse":
            value, *fb = split(body, "#")
            if value.strip().upper() not in TF:
                raise Unreadable(f"the answer {excerpt(unesc(value))!r} is not T, F, TRUE or FALSE")
            truth = TF[value.strip().upper()]
            wrong, right = (self.text(fb[1], fmt, []) if len(fb) > 1 else ""), (self.text(fb[3], fmt, []) if len(fb) > 3 else "")
            true_fb, false_fb = (right, wrong) if truth else (wrong, right)  # Moodle: {T#if wrong#if right}
            if part:  # one statement of a Yes/No series, grouped once the file is read
                self.series.add(identifier, f"{self.source}:{block.line}", number, part, stem, truth, true_fb, false_fb)
                return None
            data = true_false(meta, truth, true_fb, false_fb)
            notes.append(TF_NOTE)
        elif kind == "matching":
            data = self.matching(meta, answers(body), fmt)
        else:
            data = self.choice(meta, answers(body), fmt, notes)
        item = admit(validate(data), self.report)
        for note in notes:
            self.report.add(item.id, note)
        return item

    def option(self, i: int, a: Answer, fmt: str, notes: list[str]) -> dict:
        media: list[str] = []
        label = self.text(a.text, fmt, media)  # a marker of its own ([html] …) wins over the question's
        if media and not label:
            raise Unreadable(f"option {letter(i)} is an image ({', '.join(media)}): certprep options are text")
        notes.extend(f"option {letter(i)}'s image {m} is not kept" for m in media)
        return {"id": letter(i), "text": label, "explanation": self.text(a.feedback, fmt, [])}

    def choice(self, meta: dict, given: list[Answer], fmt: str, notes: list[str]) -> dict:
        options = [self.option(i, a, fmt, notes) for i, a in enumerate(given)]
        return keyed_choice(meta, options, [a.weight for a in given], notes)

    def matching(self, meta: dict, given: list[Answer], fmt: str) -> dict:
        pairs = []
        for a in given:
            cut = split(a.text, "->")
            media: list[str] = []
            target, source = self.text(cut[0], fmt, media), self.text("".join(cut[2:]), fmt, media)
            if media:
                raise Unreadable(f"the pair {excerpt(unesc(a.text))!r} holds an image ({', '.join(media)})")
            if not source:
                raise Unreadable(f"the pair {excerpt(unesc(a.text))!r} has no text on its right of ->")
            pairs.append((target, source))
        return matching_item(meta, pairs)

    def records(self, block: Block) -> list[str]:
        """The items our own export wrote beside the question (kept in `ours`); why any does not read."""
        problems = []
        for raw in block.records:
            try:
                item = validate(json.loads(raw))
            except (json.JSONDecodeError, Unreadable) as exc:
                problems.append(f"{self.source}:{block.line}: its certprep-item comment does not read ({exc}); "
                                "read from the GIFT text instead")
                continue
            self.ours.add(item.id)
            self.items.append(admit(item, self.report))
        return problems

    def read(self, text: str) -> tuple[list[AnyItem], ImportReport]:
        number = 0
        for block in blocks(text):
            problems = self.records(block)
            if not block.text or block.text.startswith("$CATEGORY:"):
                continue
            number += 1
            try:
                item = self.question(block, number)
            except Unreadable as exc:
                self.skip(block, number, str(exc))
                continue
            if item is not None:
                self.items.append(item)
                for problem in problems:
                    self.report.add(item.id, problem)
        self.items.extend(self.series.items(self.report))
        return self.items, self.report

    def skip(self, block: Block, number: int, why: str) -> None:
        title = block.text[2:].partition("::")[0] if block.text.startswith("::") else ""
        try:
            kind = qtype(sections(block.text)[2])
        except Unreadable:
            kind = "unreadable"
        self.report.skipped.append(Skipped(f"{self.source}:{block.line}", number,
                                           excerpt(unesc(title) or block.text), kind, why))


def import_gift(text: str, source: str) -> tuple[list[AnyItem], ImportReport]:
    """Items read from GIFT text, and the report of changes and of questions not imported."""
    with paused_gc():
        return Reader(source).read(text)
