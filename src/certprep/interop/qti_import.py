"""Reading QTI 2.1 content packages, ours and others'.

Our own packages carry each certprep item in the manifest's metadata and read back exactly.
Other packages are read from their interactions:

    choiceInteraction        single (one correct response) or multiple; a mapping's partial credit
                             and penalties are reported, and without a correctResponse the mapping
                             decides (the top-scoring choice, or every positive one)
    matchInteraction         matching (a Yes/No series when one set is Yes and No); a target with
                             several correct sources cannot be held and is reported
    orderInteraction         build list
    inlineChoiceInteraction  dropdown: the text around the choices is the template

The stem is the item body without its interactions, each interaction's <prompt> kept in its
place. Images and other media cannot be kept: in the stem they are reported, and a choice that is
only an image makes the item unreadable. Anything else is reported per item and skipped, never
guessed at. Imported items are drafts tagged with the placeholder skill `unmapped`.
"""

from __future__ import annotations

import copy
import html
import json
import zipfile
from dataclasses import replace
from pathlib import Path

from lxml import etree

from certprep.bank.items import AnyItem
from certprep.interop.importing import (
    MAX_BYTES, MAX_TEXT, ImportReport, Skipped, Unreadable, admit, draft, keyed_choice, validate,
)
from certprep.interop.qti import CERTPREP, CP, QTI
from certprep.interop.rich_text import html_to_markdown
from certprep.interop.tabular import FormatError

N = {"q": QTI, "cp": CP, "c": CERTPREP}
SUPPORTED = {"choiceInteraction", "matchInteraction", "orderInteraction", "inlineChoiceInteraction"}
HIDDEN = {"feedbackInline", "feedbackBlock", "templateInline", "templateBlock"}  # may reveal keys
MAX_PACKAGE = 4 * MAX_BYTES  # what all the files of one package may expand to


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _remove(el) -> None:
    """Take an element out of its parent, keeping the text that follows it."""
    parent, previous = el.getparent(), el.getprevious()
    if el.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _plain_copy(el):
    """A copy of the element as plain (namespace-free) HTML, without feedback that may reveal keys."""
    out = copy.deepcopy(el)
    for e in list(out.iter()):
        if isinstance(e.tag, str):
            e.tag = etree.QName(e).localname
        else:
            _remove(e)  # comments, processing instructions
    for e in [e for e in out.iter() if e.tag in HIDDEN]:
        _remove(e)
    etree.cleanup_namespaces(out)
    return out


def _markdown(el, media: list[str]) -> str:
    """An element's content as Markdown; media found are appended to `media`."""
    if el is None:
        return ""
    plain = _plain_copy(el)
    inner = html.escape(plain.text or "") + "".join(etree.tostring(c, encoding="unicode") for c in plain)
    return html_to_markdown(inner, media)


def _stem(body, media: list[str]) -> str:
    """The item body without its interactions (an interaction's prompt stays in its place) and
    without the text that holds inline choices (that is the template)."""
    plain = _plain_copy(body)
    for container in {e.getparent() for e in plain.iter("inlineChoiceInteraction")}:
        if container is not plain:
            _remove(container)
    for inter in [e for e in plain.iter() if e.tag.endswith("Interaction")]:
        prompt = inter.find("prompt")
        if prompt is not None:
            prompt.tag = "p"
            prompt.tail = inter.tail
            inter.addprevious(prompt)
            inter.getparent().remove(inter)
        else:
            _remove(inter)
    inner = html.escape(plain.text or "") + "".join(etree.tostring(c, encoding="unicode") for c in plain)
    return html_to_markdown(inner, media)


def _template(el) -> str:
    """Text holding inline choices, each choice list written as {{blank}}."""
    out = el.text or ""
    for child in el:
        if _local(child) == "inlineChoiceInteraction":
            out += "{{" + _blank_id(child) + "}}"
        elif _local(child) not in HIDDEN:
            out += _template(child)
        out += child.tail or ""
    return out


def _blank_id(inter) -> str:
    rid = inter.get("responseIdentifier") or "blank"
    return rid.removeprefix("RESPONSE_") or rid


class Package:
    """One content package being read."""

    def __init__(self, path: Path, zf: zipfile.ZipFile) -> None:
        self.path, self.zf, self.expanded = path, zf, 0
        self.report = ImportReport()

    def member(self, name: str) -> bytes:
        try:
            size = self.zf.getinfo(name).file_size
        except KeyError:
            raise Unreadable(f"the package has no file {name}") from None
        self.expanded += size
        if size > MAX_BYTES or self.expanded > MAX_PACKAGE:
            raise FormatError(f"{self.path}: {name} expands past the import limit ({MAX_TEXT} a file, "
                              f"{MAX_PACKAGE // (1024 * 1024)} MB a package)")
        return self.zf.read(name)

    def read(self) -> tuple[list[AnyItem], ImportReport]:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        try:
            manifest = etree.fromstring(self.member("imsmanifest.xml"), parser)
        except Unreadable:
            raise FormatError(f"{self.path}: no imsmanifest.xml at the top of the package") from None
        except etree.XMLSyntaxError as exc:
            raise FormatError(f"{self.path}: imsmanifest.xml line {exc.lineno}: {exc.msg}") from exc
        items, seen, number = [], set(), 0
        for res in manifest.iterfind(".//cp:resource", N):
            ours = res.find("cp:metadata/c:item", N)
            href = res.get("href") or ""
            if ours is None and ("imsqti_item" not in (res.get("type") or "") or not href):
                continue
            number += 1
            try:
                if ours is not None:
                    item = validate(json.loads(ours.text or ""))
                    seen.add(item.id)
                    item = admit(item, self.report)
                elif any(href.startswith(f"items/{i}") for i in seen):
                    continue  # another part of one of our items
                else:
                    try:
                        doc = etree.fromstring(self.member(href), parser)
                    except etree.XMLSyntaxError as exc:
                        raise Unreadable(f"line {exc.lineno}: not well-formed XML: {exc.msg}") from exc
                    item = self.foreign(doc, href, number)
            except (Unreadable, json.JSONDecodeError) as exc:
                item = Skipped(f"{self.path}: {href}", number, href, "assessmentItem", str(exc))
            if isinstance(item, Skipped):
                self.report.skipped.append(item)
            else:
                items.append(item)
        return items, self.report

    def foreign(self, doc, href: str, number: int) -> AnyItem | Skipped:
        item_id = "qti-" + "".join(c if c.isalnum() else "-" for c in (doc.get("identifier") or href).lower()).strip("-")
        body = doc.find("q:itemBody", N)
        kinds = {_local(el) for el in body.iter() if _local(el).endswith("Interaction")} if body is not None else set()
        skipped = Skipped(f"{self.path}: {href}", number, doc.get("title") or doc.get("identifier") or href,
                          ", ".join(sorted(kinds)) or "no interaction", "")
        unsupported = kinds - SUPPORTED
        if unsupported:
            return replace(skipped, why=f"{', '.join(sorted(unsupported))} has no certprep item type")
        if len(kinds) != 1:
            return replace(skipped, why="an item needs one kind of interaction" + (f", not {len(kinds)}" if kinds else ""))
        count = sum(1 for el in body.iter() if _local(el).endswith("Interaction"))
        if count > 1 and kinds != {"inlineChoiceInteraction"}:
            return replace(skipped, why=f"{count} interactions in one item: a certprep item asks one question")
        try:
            return self.interaction(doc, body, kinds.pop(), item_id, href)
        except Unreadable as exc:
            return replace(skipped, why=str(exc))

    def interaction(self, doc, body, kind: str, item_id: str, href: str) -> AnyItem:
        media: list[str] = []
        notes: list[str] = []
        feedback = {fb.get("identifier"): _markdown(fb, []) for fb in doc.iterfind("q:modalFeedback", N)}
        decls = {d.get("identifier"): d for d in doc.iterfind("q:responseDeclaration", N)}
        meta = {**draft(item_id, _stem(body, media)), "refs": [], "source": [], "verified": None}

        def correct(rid: str) -> list[str]:
            d = decls.get(rid)
            return [(v.text or "").strip() for v in d.iterfind("q:correctResponse/q:value", N)] if d is not None else []

        def text_of(choice, what: str) -> str:
            found: list[str] = []
            text = _markdown(choice, found)
            if found and not text:
                raise Unreadable(f"{what} {choice.get('identifier')} is an image ({', '.join(found)}): "
                                 "certprep options are text")
            notes.extend(f"{what} {choice.get('identifier')}'s image {m} is not kept" for m in found)
            return text

        def option(choice, what: str = "choice") -> dict:
            cid = choice.get("identifier")
            return {"id": cid, "text": text_of(choice, what), "explanation": feedback.get(cid) or ""}

        if kind == "choiceInteraction":
            inter = body.find(".//q:choiceInteraction", N)
            rid = inter.get("responseIdentifier")
            options = [option(c) for c in inter.iterfind("q:simpleChoice", N)]
            decl = decls.get(rid)
            single = (decl.get("cardinality") if decl is not None else "single") == "single"
            data = keyed_choice(meta, options, self.weights(decl, [o["id"] for o in options], correct(rid), single),
                                notes, single)
        elif kind == "matchInteraction":
            inter = body.find(".//q:matchInteraction", N)
            sets = inter.findall("q:simpleMatchSet", N)
            if len(sets) != 2:
                raise Unreadable("a matchInteraction needs two simpleMatchSets")
            left = [option(c, "source") for c in sets[0].iterfind("q:simpleAssociableChoice", N)]
            right = [option(c, "target") for c in sets[1].iterfind("q:simpleAssociableChoice", N)]
            data = self.match(meta, left, right, correct(inter.get("responseIdentifier")))
        elif kind == "orderInteraction":
            inter = body.find(".//q:orderInteraction", N)
            steps = [option(c, "step") for c in inter.iterfind("q:simpleChoice", N)]
            data = {**meta, "type": "build_list", "key": correct(inter.get("responseIdentifier")), "steps": steps}
            notes.append("order item scored a point per slot in certprep")
        else:
            blanks = []
            for inter in body.iter(f"{{{QTI}}}inlineChoiceInteraction"):
                keys = correct(inter.get("responseIdentifier"))
                if len(keys) != 1:
                    raise Unreadable(f"the inline choice {_blank_id(inter)} has {len(keys)} correct responses")
                blanks.append({"id": _blank_id(inter), "key": keys[0],
                               "options": [option(c) for c in inter.iterfind("q:inlineChoice", N)]})
            containers = list(dict.fromkeys(e.getparent() for e in body.iter(f"{{{QTI}}}inlineChoiceInteraction")))
            code = all(_local(c) == "pre" for c in containers)
            template = "\n\n".join(_template(c).strip("\n") if code else " ".join(_template(c).split())
                                   for c in containers)
            data = {**meta, "type": "dropdown", "template": template, "blanks": blanks,
                    "language": "text" if code else None, "stem": meta["stem"] or "Complete the text."}
        notes[:0] = [f"the stem's image {m} is not kept (certprep items hold text)" for m in media]
        if not feedback or not all(feedback.values()):
            notes.append("some options have no explanation (the linter lists them)")
        notes.append("imported as a draft: refs, source and verified are empty; skills are 'unmapped'")
        item = admit(validate({k: v for k, v in data.items() if v is not None}), self.report)
        for note in notes:
            self.report.add(item.id, f"{href}: {note}")
        return item

    @staticmethod
    def weights(decl, ids: list[str], keys: list[str], single: bool) -> list[float]:
        """Per cent per choice, as Moodle would write them: the correct response is worth 100 %; a
        mapping adds partial credit (single) and penalties; without a correct response the mapping
        decides alone."""
        mapping = {}
        if decl is not None:
            mapping = {e.get("mapKey"): float(e.get("mappedValue") or 0) for e in decl.iterfind("q:mapping/q:mapEntry", N)}
        if keys:
            unit = max((mapping.get(k, 0) for k in keys), default=0) or 1
            return [100.0 if i in keys else
                    (min(mapping.get(i, 0) / unit * 100, 99.999) if single else min(mapping.get(i, 0), 0) / unit * 100)
                    for i in ids]
        if not any(v > 0 for v in mapping.values()):
            raise Unreadable("no correct response and no mapping with credit: there is no key to read")
        top = max(mapping.values()) if single else sum(v for v in mapping.values() if v > 0)
        return [mapping.get(i, 0) / top * 100 for i in ids]

    @staticmethod
    def match(meta: dict, left: list[dict], right: list[dict], pairs: list[str]) -> dict:
        left_ids, right_ids = {o["id"] for o in left}, {o["id"] for o in right}
        key: dict[str, list[str]] = {}
        for pair in pairs:
            a, _, b = pair.partition(" ")
            a, b = (b, a) if a in right_ids and b in left_ids else (a, b)
            if a not in left_ids or b not in right_ids:
                raise Unreadable(f"the correct pair {pair!r} names choices the interaction does not have")
            key.setdefault(b, []).append(a)
        several = {t: s for t, s in key.items() if len(s) > 1}
        if several:
            t, s = next(iter(several.items()))
            raise Unreadable(f"the target {t} has {len(s)} correct sources ({', '.join(s)}): a certprep matching "
                             "target takes one source")
        missing = [o["id"] for o in right if o["id"] not in key]
        if missing:
            raise Unreadable(f"the target {missing[0]} has no correct source")
        if {o["text"].lower() for o in left} == {"yes", "no"}:
            yes = next(o["id"] for o in left if o["text"].lower() == "yes")
            return {**meta, "type": "yes_no", "statements": [
                {"id": o["id"], "text": o["text"], "key": key[o["id"]][0] == yes, "explanation": o["explanation"]}
                for o in right]}
        return {**meta, "type": "matching", "key": {t: s[0] for t, s in key.items()}, "sources": left, "targets": right}


def read_package(path: Path) -> tuple[list[AnyItem], ImportReport]:
    """Items, and the report: notes per imported item, and the items not imported."""
    if path.stat().st_size > MAX_BYTES:
        raise FormatError(f"{path}: the package is larger than the import limit of {MAX_TEXT}; split it")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FormatError(f"{path}: not a QTI content package (a ZIP file): {exc}") from exc
    with zf:
        package = Package(path, zf)
        items, report = package.read()
    return items, report


__all__ = ["read_package", "FormatError"]
