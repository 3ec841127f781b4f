"""What every importer shares: a file read within the size limit and as UTF-8, one report of the
questions imported with changes and the questions not imported, and ids unique within an import.

An importer reads what it can and reports the rest: a question it cannot hold faithfully raises
`Unreadable` inside the importer, which turns it into a `Skipped` line (file and line, the
question's number and title, its type in the source format, and why). Only a file that cannot be
read at all (too large, not UTF-8, not XML, not a ZIP) is a `FormatError`.
"""

from __future__ import annotations

import codecs
import gc
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from certprep.bank.items import AnyItem
from certprep.bank.loader import ITEM_ADAPTER
from certprep.interop.qti import Report
from certprep.interop.tabular import FormatError

MAX_BYTES = 8 * 1024 * 1024  # 8 MiB: about 20,000 questions of GIFT; parsing it takes a fraction of a second
MAX_TEXT = f"{MAX_BYTES // (1024 * 1024)} MB"


class Unreadable(Exception):
    """One question the model cannot hold faithfully; the message says why."""


@dataclass(frozen=True)
class Skipped:
    """A question that was not imported."""

    where: str  # file:line, or file: entry in a package
    number: int  # the question's position in the file, from 1
    title: str
    qtype: str  # the question's type in the source format
    why: str

    def __str__(self) -> str:
        return f'{self.where}: question {self.number} "{self.title}" ({self.qtype}): not imported: {self.why}'


@dataclass
class ImportReport(Report):
    """Notes per imported item (what changed on the way in) and the questions not imported."""

    skipped: list[Skipped] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)  # the ids given out so far


@contextmanager
def paused_gc():
    """Reading makes many small objects and no reference cycles; as in the bank loader, the cyclic
    collector would scan the growing heap again and again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refused before parsing when it is over the limit."""
    with path.open("rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FormatError(f"{path}: the file is larger than the import limit of {MAX_TEXT}; "
                          "split it into several files and import each")
    return data


def decode(data: bytes, source: str) -> str:
    """UTF-8 text (a byte-order mark is dropped), or an error naming the encoding the bytes look like."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        found = guess_encoding(data)
        raise FormatError(f"{source}:{line}: the file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be read); "
                          f"it looks like {found}. Save it as UTF-8 (for example `iconv -f {found} -t UTF-8`) "
                          "and import it again") from None


# Where charset-normalizer finds several encodings about as likely (short texts), the one people
# most often have wins: a French quiz saved by Notepad is Windows-1252, not Baltic Windows-1257.
COMMON = ("utf_16", "utf_32", "cp1252", "iso8859_15", "cp1250", "cp1251", "shift_jis", "gb18030", "euc_kr", "big5")


def guess_encoding(data: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[:262_144]))  # a sample is enough to name it, and bounds the work
    if not matches:
        return "binary data or an unknown encoding"
    near = [m for m in matches if m.chaos <= matches[0].chaos + 0.05]
    common = [enc for enc in COMMON for m in near if enc == m.encoding or enc in m.could_be_from_charset]
    return codecs.lookup(common[0] if common else matches[0].encoding).name.upper()


def read_text(path: Path) -> str:
    return decode(read_bytes(path), str(path))


def slug(text: str, limit: int = 60) -> str:
    """An item id made of a title: ASCII lower case, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")


def item_id(title: str, file_stem: str, number: int) -> str:
    """The title as an id; an untitled question (or one whose title has no letters) gets the
    file's name and its position: `quiz-q3`."""
    made = slug(title)
    return made if len(made) >= 2 else f"{slug(file_stem) or 'import'}-q{number}"


def draft(identifier: str, stem: str) -> dict:
    """What every imported question starts from: a draft with the placeholder skill `unmapped`."""
    return {"id": identifier, "status": "draft", "skills": ["unmapped"], "difficulty": 3, "stem": stem}


def letter(n: int) -> str:
    """Option ids A, B … Z, then O27, O28 …"""
    return chr(65 + n) if n < 26 else f"O{n + 1}"


def validate(data: dict) -> AnyItem:
    try:
        return ITEM_ADAPTER.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise Unreadable(f"{'.'.join(map(str, first['loc'][1:] or first['loc']))}: {first['msg']}") from exc


def excerpt(text: str, size: int = 40) -> str:
    flat = " ".join(text[:size * 4].split())
    return flat if len(flat) <= size else flat[:size - 1] + "…"


def admit(item: AnyItem, report: ImportReport) -> AnyItem:
    """The item, renamed (`id-2`) and reported when an earlier item of this import has its id:
    items are never overwritten."""
    new_id, n = item.id, 2
    while new_id in report.taken:
        new_id, n = f"{item.id[:76].rstrip('-')}-{n}", n + 1
    report.taken.add(new_id)
    if new_id == item.id:
        return item
    report.add(new_id, f"the id {item.id!r} is already used by an earlier question of this import: renamed {new_id!r}")
    return item.model_copy(update={"id": new_id})


def unique_ids(items: list[AnyItem], report: ImportReport) -> list[AnyItem]:
    return [admit(i, report) for i in items]


def keyed_choice(meta: dict, options: list[dict], weights: list[float], notes: list[str],
                 single: bool | None = None) -> dict:
    """A multiple-choice question as a single or multiple item, keyed only as the source marks it.

    Weights are per cent, as Moodle writes them. Single (Moodle's "one answer only"; when `single`
    is None, a question with an answer worth 100 %): the one answer worth 100 % is the key. Multiple:
    the answers with positive weights are the keys. Partial credit, unequal weights and penalties
    cannot be held and are noted; a question that no reading keys faithfully is `Unreadable`.
    """
    ids = [o["id"] for o in options]
    if any(w > 100.001 for w in weights):
        raise Unreadable("an answer is worth more than 100 %")
    full = [i for i, w in zip(ids, weights) if abs(w - 100) < 0.001]
    positive = [i for i, w in zip(ids, weights) if w > 0]
    partial = [f"{i} {w:g} %" for i, w in zip(ids, weights) if 0 < w < 99.999]
    penalties = [f"{i} {w:g} %" for i, w in zip(ids, weights) if w < 0]
    single = bool(full) if single is None else single
    if not positive:
        raise Unreadable("no answer is marked right (none is worth more than 0 %)")
    if not single and len(positive) == 1 and full:
        notes.append(f"a multiple-answer question with one right answer ({full[0]}): imported as a single-answer item")
        single = True
    if single:
        if len(full) != 1:
            raise Unreadable(f"{len(full)} answers are worth 100 %"
                             + (f" ({', '.join(full)})" if full else "")
                             + ": a single-answer item needs exactly one key")
        if partial:
            notes.append(f"partial credit not kept ({', '.join(partial)}): the key is the 100 % answer {full[0]}, "
                         "and a single-answer item scores all or nothing")
        if penalties:
            notes.append(f"penalties not kept ({', '.join(penalties)}): certprep does not take marks away")
        return {**meta, "type": "single", "options": options, "key": full[0]}
    if len(positive) == 1:
        raise Unreadable(f"the only answer with credit ({partial[0]}) is worth less than 100 %: no choice of "
                         "answers completes the question")
    if len({round(w, 3) for w in weights if w > 0}) > 1:
        notes.append(f"unequal weights ({', '.join(f'{i} {w:g} %' for i, w in zip(ids, weights) if w > 0)}): "
                     "certprep gives a point per key")
    if penalties:
        notes.append(f"penalties not kept ({', '.join(penalties)}): certprep asks to choose {len(positive)} instead")
    return {**meta, "type": "multiple", "options": options, "key": positive, "choose": len(positive)}


TF_NOTE = "a true/false question: imported as a single-answer item with the options True and False"
SERIES_STEM = "For each statement, select Yes if it is true. Otherwise, select No."


def matching(meta: dict, pairs: list[tuple[str, str]]) -> dict:
    """A matching item from (target, source) pairs as another tool wrote them: a source used by
    several targets is listed once, and a pair with no target text is a spare source."""
    sources = list(dict.fromkeys(s for _, s in pairs))
    sid = {s: f"s{i}" for i, s in enumerate(sources, 1)}
    targets = [(t, s) for t, s in pairs if t]
    return {**meta, "type": "matching", "sources": [{"id": sid[s], "text": s} for s in sources],
            "targets": [{"id": f"t{i}", "text": t} for i, (t, _) in enumerate(targets, 1)],
            "key": {f"t{i}": sid[s] for i, (_, s) in enumerate(targets, 1)}}


def true_false(meta: dict, truth: bool, true_feedback: str, false_feedback: str) -> dict:
    """A true/false question as a single-answer item; each feedback goes to the option it follows."""
    return {**meta, "type": "single", "key": "T" if truth else "F",
            "options": [{"id": "T", "text": "True", "explanation": true_feedback},
                        {"id": "F", "text": "False", "explanation": false_feedback}]}


@dataclass
class Series:
    """True/false questions titled `id#part` (how certprep exports a Yes/No series): two or more
    with one id become one yes_no item again, one alone a True/False item."""

    parts: dict[str, list[tuple[str, int, str, str, bool, str, str]]] = field(default_factory=dict)

    def add(self, identifier: str, where: str, number: int, part: str, stem: str, truth: bool,
            true_feedback: str, false_feedback: str) -> None:
        self.parts.setdefault(identifier, []).append((where, number, part, stem, truth, true_feedback, false_feedback))

    def items(self, report: ImportReport) -> list[AnyItem]:
        out = []
        for identifier, parts in self.parts.items():
            statements: dict[str, dict] = {}
            for where, number, part, stem, truth, true_fb, false_fb in parts:
                if part in statements:
                    report.skipped.append(Skipped(where, number, f"{identifier}#{part}", "truefalse",
                                                  f"the statement id {part!r} repeats in the series {identifier}"))
                    continue
                right, wrong = (true_fb, false_fb) if truth else (false_fb, true_fb)
                statements[part] = {"id": part, "text": stem, "key": truth,
                                    "explanation": "\n\n".join(dict.fromkeys(t for t in (right, wrong) if t))}
            try:
                if len(statements) == 1:
                    _, _, _, stem, truth, true_fb, false_fb = parts[0]
                    out.append(admit(validate(true_false(draft(identifier, stem), truth, true_fb, false_fb)), report))
                    report.add(out[-1].id, TF_NOTE)
                else:
                    out.append(admit(validate({**draft(identifier, SERIES_STEM), "type": "yes_no",
                                               "statements": list(statements.values())}), report))
                    report.add(out[-1].id, f"{len(statements)} true/false questions named {identifier}#… "
                                           "read as one Yes/No series")
            except Unreadable as exc:
                report.skipped.extend(Skipped(where, number, f"{identifier}#{part}", "truefalse", str(exc))
                                      for where, number, part, *_ in parts)
        return out


class FileReader:
    """What every importer keeps while it reads one file: the file's name, the report, the items
    read so far, the ids of items that are ours (exported by certprep), and the Yes/No series."""

    def __init__(self, source: str) -> None:
        self.source, self.stem = source, Path(source).stem
        self.report = ImportReport()
        self.items: list[AnyItem] = []
        self.ours: set[str] = set()
        self.series = Series()
