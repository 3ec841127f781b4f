"""Reading QTI 2.1 content packages, ours and others'.

Our own packages carry each certprep item in the manifest's metadata and read back exactly.
Other packages are read from their interactions: choice (single or multiple), match (a Yes/No
series when one set is Yes/No), order, and inline choice. Anything else is reported per item and
skipped, never guessed at. Imported items are drafts tagged with the placeholder skill
`unmapped` (the linter asks for real skill ids before they can go live).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from lxml import etree

from certprep.bank.items import AnyItem
from certprep.interop.qti import CERTPREP, CP, QTI
from certprep.interop.tabular import FormatError, _validate

N = {"q": QTI, "cp": CP, "c": CERTPREP}
SUPPORTED = {"choiceInteraction", "matchInteraction", "orderInteraction", "inlineChoiceInteraction"}


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _stem(body) -> str:
    """The item body without its interactions, as plain paragraphs (Markdown)."""
    parts = []
    for child in body:
        name = etree.QName(child).localname
        if name.endswith("Interaction"):
            break
        if name == "pre":
            parts.append("```\n" + "".join(child.itertext()) + "\n```")
        elif _text(child):
            parts.append(_text(child))
    return "\n\n".join(parts) or "(no stem)"


def read_package(path: Path) -> tuple[list[AnyItem], dict[str, list[str]]]:
    """Items, and for each skipped or changed item the reasons."""
    report: dict[str, list[str]] = {}
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FormatError(f"{path}: not a QTI content package (a ZIP file): {exc}") from exc
    with zf:
        try:
            manifest = etree.fromstring(zf.read("imsmanifest.xml"))
        except KeyError:
            raise FormatError(f"{path}: no imsmanifest.xml at the top of the package") from None
        except etree.XMLSyntaxError as exc:
            raise FormatError(f"{path}: imsmanifest.xml line {exc.lineno}: {exc.msg}") from exc
        items, seen = [], set()
        for res in manifest.iterfind(".//cp:resource", N):
            ours = res.find("cp:metadata/c:item", N)
            if ours is not None:
                data = json.loads(ours.text)
                items.append(_validate(data, f"{path}: {res.get('href')}"))
                seen.add(data["id"])
                continue
            href = res.get("href")
            if not href or "imsqti_item" not in (res.get("type") or ""):
                continue
            if any(href.startswith(f"items/{i}") for i in seen):
                continue  # another part of one of our items
            try:
                doc = etree.fromstring(zf.read(href))
            except (KeyError, etree.XMLSyntaxError) as exc:
                raise FormatError(f"{path}: {href}: {exc}") from exc
            item = _foreign(doc, href, report)
            if item is not None:
                items.append(item)
    return items, report


def _foreign(doc, href: str, report: dict[str, list[str]]) -> AnyItem | None:
    item_id = "qti-" + "".join(c if c.isalnum() else "-" for c in (doc.get("identifier") or href).lower()).strip("-")
    body = doc.find("q:itemBody", N)
    kinds = {etree.QName(el).localname for el in body.iter() if etree.QName(el).localname.endswith("Interaction")}
    unsupported = kinds - SUPPORTED
    if unsupported or not kinds:
        report.setdefault(item_id, []).append(f"{href}: skipped: {', '.join(sorted(unsupported)) or 'no interaction'} "
                                              "has no certprep item type")
        return None
    feedback = {fb.get("identifier"): _text(fb) for fb in doc.iterfind("q:modalFeedback", N)}
    correct = {d.get("identifier"): [v.text for v in d.iterfind("q:correctResponse/q:value", N)]
               for d in doc.iterfind("q:responseDeclaration", N)}
    meta = {"id": item_id, "status": "draft", "skills": ["unmapped"], "difficulty": 3,
            "refs": [], "source": [], "verified": None, "stem": _stem(body)}

    def explain(cid: str) -> str:
        return feedback.get(cid) or ""

    if "choiceInteraction" in kinds:
        inter = body.find(".//q:choiceInteraction", N)
        options = [{"id": c.get("identifier"), "text": _text(c), "explanation": explain(c.get("identifier"))}
                   for c in inter.iterfind("q:simpleChoice", N)]
        keys = correct.get(inter.get("responseIdentifier"), [])
        if len(keys) == 1 and inter.get("maxChoices", "1") == "1":
            data = {**meta, "type": "single", "options": options, "key": keys[0]}
        else:
            data = {**meta, "type": "multiple", "options": options, "key": keys, "choose": len(keys)}
    elif "matchInteraction" in kinds:
        inter = body.find(".//q:matchInteraction", N)
        sets = inter.findall("q:simpleMatchSet", N)
        left = [(c.get("identifier"), _text(c)) for c in sets[0].iterfind("q:simpleAssociableChoice", N)]
        right = [(c.get("identifier"), _text(c)) for c in sets[1].iterfind("q:simpleAssociableChoice", N)]
        pairs = [v.split() for v in correct.get(inter.get("responseIdentifier"), [])]
        if {t.lower() for _, t in left} == {"yes", "no"}:
            yes = next(i for i, t in left if t.lower() == "yes")
            key = {b: a == yes for a, b in pairs}
            data = {**meta, "type": "yes_no", "statements": [
                {"id": i, "text": t, "key": key.get(i, False), "explanation": explain(i)} for i, t in right]}
        else:
            data = {**meta, "type": "matching", "key": {b: a for a, b in pairs},
                    "sources": [{"id": i, "text": t, "explanation": explain(i)} for i, t in left],
                    "targets": [{"id": i, "text": t, "explanation": explain(i)} for i, t in right]}
    elif "orderInteraction" in kinds:
        inter = body.find(".//q:orderInteraction", N)
        data = {**meta, "type": "build_list", "key": correct.get(inter.get("responseIdentifier"), []),
                "steps": [{"id": c.get("identifier"), "text": _text(c), "explanation": explain(c.get("identifier"))}
                          for c in inter.iterfind("q:simpleChoice", N)]}
        report.setdefault(item_id, []).append(f"{href}: order item scored a point per slot in certprep")
    else:
        container = body.find(".//q:inlineChoiceInteraction/..", N)
        template, blanks = container.text or "", []
        for child in container:
            if etree.QName(child).localname == "inlineChoiceInteraction":
                rid = child.get("responseIdentifier")
                blank = rid.removeprefix("RESPONSE_") or rid
                blanks.append({"id": blank, "key": (correct.get(rid) or [""])[0], "options": [
                    {"id": c.get("identifier"), "text": _text(c), "explanation": explain(c.get("identifier"))}
                    for c in child.iterfind("q:inlineChoice", N)]})
                template += "{{" + blank + "}}"
            else:
                template += "".join(child.itertext())
            template += child.tail or ""
        data = {**meta, "type": "dropdown", "template": template, "blanks": blanks,
                "language": "text" if etree.QName(container).localname == "pre" else None}
        data["stem"] = _stem(body) if data["stem"] != "(no stem)" else "Complete the text."
    if not all(feedback.values()) or not feedback:
        report.setdefault(item_id, []).append(f"{href}: some options have no explanation (the linter lists them)")
    meta_missing = "refs, source and verified are empty; skills are 'unmapped'"
    report.setdefault(item_id, []).append(f"{href}: imported as a draft: {meta_missing}")
    return _validate({k: v for k, v in data.items() if v is not None}, href)


__all__ = ["read_package", "FormatError"]
