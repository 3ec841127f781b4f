"""QTI 2.1 content packages (imsmanifest.xml plus one assessmentItem per question).

Mapping, and what QTI 2.1 cannot hold (each reported per item, never silently dropped):
- single → choiceInteraction (1 choice), multiple → choiceInteraction (N choices, a point per key);
- matching → matchInteraction (sources reusable; a point per target);
- Yes/No series → matchInteraction of statements × {Yes, No} (a point per statement);
- drop-down → inlineChoiceInteraction per blank inside the text or code (a point per blank);
- build list → orderInteraction choosing len(key) steps: QTI's templates score it all or nothing;
- problem–solution sets and case studies → one item per question, the scenario repeated in each:
  QTI 2.1 has no shared stimulus and the no-going-back rule belongs to a test, not an item.
Every option's explanation goes into modalFeedback shown after the response.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree, html as lxml_html

from certprep import markup
from certprep.bank.items import (
    AnyItem, BuildListBody, CaseStudyItem, DropdownBody, MatchingBody, MultipleBody, ProblemSolutionItem,
    SingleBody, SolutionBody, YesNoBody, question_key,
)

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CERTPREP = "https://github.com/certprep/certprep/ns/item/1"
QTI_LOCATION = f"{QTI} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_LOCATION = f"{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
ALLOWED = {"p", "pre", "code", "ul", "ol", "li", "strong", "em", "b", "i", "br", "table", "thead", "tbody", "tr",
           "th", "td", "h3", "h4", "h5", "h6", "blockquote", "span", "div"}
BLOCK = {"p", "pre", "ul", "ol", "table", "h3", "h4", "h5", "h6", "blockquote", "div"}


@dataclass
class Report:
    """What the export had to change or could not express, per item id."""

    notes: dict[str, list[str]] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)  # items an export could not write at all

    def add(self, item_id: str, note: str) -> None:
        self.notes.setdefault(item_id, []).append(note)

    def leave_out(self, item_id: str, why: str) -> None:
        self.left_out.append(item_id)
        self.add(item_id, f"skipped: {why}")


def ident(value: str) -> str:
    """A QTI identifier (an NCName) for one of our ids."""
    value = re.sub(r"[^A-Za-z0-9_.-]", "_", value)
    return value if re.match(r"[A-Za-z_]", value) else f"_{value}"


def q(tag: str, parent=None, **attrs) -> etree._Element:
    attrs = {k.rstrip("_"): str(v) for k, v in attrs.items()}
    el = etree.SubElement(parent, f"{{{QTI}}}{tag}", attrs) if parent is not None else etree.Element(f"{{{QTI}}}{tag}", attrs)
    return el


def _copy_html(src, dst) -> None:
    """Copy sanitised HTML into QTI's XHTML subset: allowed elements keep only href-free markup."""
    dst_last = None
    if src.text:
        dst.text = (dst.text or "") + src.text
    for child in src:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ALLOWED:
            el = q(tag, dst)
            _copy_html(child, el)
            dst_last = el
        else:  # unwrap: keep the text (links, images, headings QTI lacks)
            holder = etree.Element("x")
            _copy_html(child, holder)
            _append_text(dst, dst_last, holder.text or "")
            for grandchild in list(holder):
                dst.append(grandchild)
                dst_last = grandchild
        if child.tail:
            _append_text(dst, dst_last, child.tail)


def _append_text(parent, last, text: str) -> None:
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def blocks(parent, text: str) -> None:
    """Markdown as QTI block content (inline runs are wrapped in <p>)."""
    rendered = str(markup.markdown(text)).strip()
    if not rendered:
        return
    holder = q("div")
    _copy_html(lxml_html.fragment_fromstring(rendered, create_parent="div"), holder)
    pending = None
    if holder.text and holder.text.strip():
        pending = q("p", parent)
        pending.text = holder.text.strip()
    for child in list(holder):
        name = etree.QName(child).localname
        if name in BLOCK:
            parent.append(child)
            pending = None
        else:
            if pending is None:
                pending = q("p", parent)
            pending.append(child)


def inline_text(parent, text: str) -> None:
    """Short Markdown (an option) as inline content."""
    holder = lxml_html.fragment_fromstring(str(markup.inline(text)) or " ", create_parent="span")
    _copy_html(holder, parent)
    for child in list(parent):
        if etree.QName(child).localname in BLOCK:
            child.tag = f"{{{QTI}}}span"


def _feedback(item_el, identifier: str, text: str, outcome: str = "FEEDBACK") -> None:
    fb = q("modalFeedback", item_el, outcomeIdentifier=outcome, showHide="show", identifier=ident(identifier))
    div = q("div", fb)
    blocks(div, text)


def _show_all(item_el, texts: list[str]) -> None:
    """Feedback with every explanation, shown once a response is processed (for the types whose
    explanations belong to several choices at once)."""
    show = q("outcomeDeclaration", None, identifier="SHOWALL", cardinality="single", baseType="identifier")
    maxscore = item_el.find(f"{{{QTI}}}outcomeDeclaration[@identifier='MAXSCORE']")
    item_el.insert(list(item_el).index(maxscore) + 1, show)
    rp = item_el.find(f"{{{QTI}}}responseProcessing")
    q("baseValue", q("setOutcomeValue", rp, identifier="SHOWALL"), baseType="identifier").text = "ALL"
    div = q("div", q("modalFeedback", item_el, outcomeIdentifier="SHOWALL", showHide="show", identifier="ALL"))
    for text in texts:
        blocks(div, text)


def _declare(item_el, cardinality: str, base_type: str, correct: list[str], identifier: str = "RESPONSE",
             mapping: list[tuple[str, float]] | None = None) -> None:
    decl = q("responseDeclaration", item_el, identifier=identifier, cardinality=cardinality, baseType=base_type)
    cr = q("correctResponse", decl)
    for value in correct:
        q("value", cr).text = value
    if mapping is not None:
        mp = q("mapping", decl, defaultValue="0")
        for key, points in mapping:
            q("mapEntry", mp, mapKey=key, mappedValue=points)


def _outcomes(item_el, max_score: int, feedback_cardinality: str | None) -> None:
    score = q("outcomeDeclaration", item_el, identifier="SCORE", cardinality="single", baseType="float")
    q("value", q("defaultValue", score)).text = "0"
    maxs = q("outcomeDeclaration", item_el, identifier="MAXSCORE", cardinality="single", baseType="float")
    q("value", q("defaultValue", maxs)).text = str(max_score)
    if feedback_cardinality:
        q("outcomeDeclaration", item_el, identifier="FEEDBACK", cardinality=feedback_cardinality, baseType="identifier")


def _processing(item_el, scoring: str, feedback_from_response: bool, blanks: list[str] | None = None) -> None:
    rp = q("responseProcessing", item_el)
    if scoring == "map":
        cond = q("responseCondition", rp)
        resp_if = q("responseIf", cond)
        q("variable", q("isNull", resp_if), identifier="RESPONSE")
        q("baseValue", q("setOutcomeValue", resp_if, identifier="SCORE"), baseType="float").text = "0"
        els = q("responseElse", cond)
        q("mapResponse", q("setOutcomeValue", els, identifier="SCORE"), identifier="RESPONSE")
    elif scoring == "match":
        cond = q("responseCondition", rp)
        resp_if = q("responseIf", cond)
        m = q("match", resp_if)
        q("variable", m, identifier="RESPONSE")
        q("correct", m, identifier="RESPONSE")
        q("baseValue", q("setOutcomeValue", resp_if, identifier="SCORE"), baseType="float").text = "1"
        els = q("responseElse", cond)
        q("baseValue", q("setOutcomeValue", els, identifier="SCORE"), baseType="float").text = "0"
    elif scoring == "blanks":
        for blank in blanks or []:
            cond = q("responseCondition", rp)
            resp_if = q("responseIf", cond)
            m = q("match", resp_if)
            q("variable", m, identifier=blank)
            q("correct", m, identifier=blank)
            s = q("sum", q("setOutcomeValue", resp_if, identifier="SCORE"))
            q("variable", s, identifier="SCORE")
            q("baseValue", s, baseType="float").text = "1"
    if feedback_from_response:
        q("variable", q("setOutcomeValue", rp, identifier="FEEDBACK"), identifier="RESPONSE")


def _choice_body(body_el, choices, max_choices: int, prompt: str | None = None) -> None:
    inter = q("choiceInteraction", body_el, responseIdentifier="RESPONSE", shuffle="true", maxChoices=max_choices)
    if prompt:
        inline_text(q("prompt", inter), prompt)
    for cid, text in choices:
        inline_text(q("simpleChoice", inter, identifier=ident(cid)), text)


def item_xml(item: AnyItem, part: str | None, body, report: Report) -> etree._Element:
    key = question_key(item.id, part)
    title = key if part is None else f"{item.id} ({part})"
    root = q("assessmentItem", None, identifier=ident(key.replace("/", "--")), title=title, adaptive="false",
             timeDependent="false")
    root.set(f"{{{XSI}}}schemaLocation", QTI_LOCATION)
    scenario = getattr(item, "scenario", None)

    def body_el():
        b = q("itemBody", root)
        if scenario:
            for tab in scenario:
                q("h4", b).text = tab.title
                blocks(b, tab.content)
        blocks(b, body.stem)
        for ex in body.exhibits:
            q("p", b).text = ex.title
            if ex.kind == "code":
                q("pre", b).text = ex.content
            else:
                blocks(b, ex.content)
        return b

    if isinstance(body, SingleBody):
        _declare(root, "single", "identifier", [ident(body.key)])
        _outcomes(root, 1, "single")
        _choice_body(body_el(), [(o.id, o.text) for o in body.options], 1)
        _processing(root, "match", True)
        for o in body.options:
            _feedback(root, o.id, o.explanation)
    elif isinstance(body, MultipleBody):
        _declare(root, "multiple", "identifier", [ident(k) for k in body.key], mapping=[(ident(k), 1) for k in body.key])
        _outcomes(root, len(body.key), "multiple")
        _choice_body(body_el(), [(o.id, o.text) for o in body.options], body.choose)
        _processing(root, "map", True)
        for o in body.options:
            _feedback(root, o.id, o.explanation)
    elif isinstance(body, (MatchingBody, YesNoBody)):
        if isinstance(body, MatchingBody):
            left = [(f"s_{s.id}", s.text, len(body.targets)) for s in body.sources]
            right = [(f"t_{t.id}", t.text) for t in body.targets]
            pairs = [f"{ident('s_' + s)} {ident('t_' + t)}" for t, s in body.key.items()]
            explained = [(f"t_{t.id}", t.explanation) for t in body.targets] + [(f"s_{s.id}", s.explanation) for s in body.sources]
        else:
            left = [("yes", "Yes", len(body.statements)), ("no", "No", len(body.statements))]
            right = [(f"t_{s.id}", s.text) for s in body.statements]
            pairs = [f"{'yes' if s.key else 'no'} {ident('t_' + s.id)}" for s in body.statements]
            explained = [(f"t_{s.id}", s.explanation) for s in body.statements]
        _declare(root, "multiple", "directedPair", pairs, mapping=[(p, 1) for p in pairs])
        _outcomes(root, len(pairs), "multiple")
        b = body_el()
        inter = q("matchInteraction", b, responseIdentifier="RESPONSE", shuffle="true", maxAssociations=len(right))
        src = q("simpleMatchSet", inter)
        for cid, text, most in left:
            inline_text(q("simpleAssociableChoice", src, identifier=ident(cid), matchMax=most), text)
        dst = q("simpleMatchSet", inter)
        for cid, text in right:
            inline_text(q("simpleAssociableChoice", dst, identifier=ident(cid), matchMax=1), text)
        _processing(root, "map", False)
        fb_decl = root.find(f"{{{QTI}}}outcomeDeclaration[@identifier='FEEDBACK']")
        root.remove(fb_decl)
        _show_all(root, [text for _, text in explained])
    elif isinstance(body, BuildListBody):
        _declare(root, "ordered", "identifier", [ident(k) for k in body.key])
        _outcomes(root, 1, None)
        b = body_el()
        inter = q("orderInteraction", b, responseIdentifier="RESPONSE", shuffle="true",
                  minChoices=len(body.key), maxChoices=len(body.key))
        for s in body.steps:
            inline_text(q("simpleChoice", inter, identifier=ident(s.id)), s.text)
        _processing(root, "match", False)
        report.add(item.id, f"build list: QTI scores it all or nothing (certprep: a point per slot, {len(body.key)} points)")
        _show_all(root, [f"**{s.text}**: {s.explanation}" for s in body.steps])
    elif isinstance(body, DropdownBody):
        names = [f"RESPONSE_{ident(b.id)}" for b in body.blanks]
        for b, name in zip(body.blanks, names):
            _declare(root, "single", "identifier", [ident(b.key)], identifier=name)
        _outcomes(root, len(body.blanks), None)
        bel = body_el()
        container = q("pre" if body.language else "p", bel)
        last, pos = None, 0
        by_id = {b.id: (b, n) for b, n in zip(body.blanks, names)}
        for m in markup.BLANK.finditer(body.template):
            _append_text(container, last, body.template[pos:m.start()])
            blank, name = by_id[m.group(1)]
            last = q("inlineChoiceInteraction", container, responseIdentifier=name, shuffle="true")
            for o in blank.options:
                q("inlineChoice", last, identifier=ident(o.id)).text = o.text
            pos = m.end()
        _append_text(container, last, body.template[pos:])
        _processing(root, "blanks", False, names)
        _show_all(root, [f"{b.id} = `{o.text}`: {o.explanation}" for b in body.blanks for o in b.options])
    elif isinstance(body, SolutionBody):
        _declare(root, "single", "identifier", ["yes" if body.solution.key else "no"])
        _outcomes(root, 1, "single")
        b = body_el()
        blocks(b, f"**Goal:** {body.goal}")
        blocks(b, f"**Solution:** {body.solution.text}")
        _choice_body(b, [("yes", "Yes"), ("no", "No")], 1, "Does the solution meet the goal?")
        _processing(root, "match", True)
        for cid in ("yes", "no"):
            _feedback(root, cid, body.solution.explanation)
    return root


def export_package(items: list[AnyItem], path: Path) -> Report:
    """Write a QTI 2.1 content package; returns what could not be kept as it is, per item."""
    report = Report()
    manifest = etree.Element(f"{{{CP}}}manifest", {"identifier": "certprep-export"},
                             nsmap={None: CP, "xsi": XSI, "certprep": CERTPREP})
    manifest.set(f"{{{XSI}}}schemaLocation", CP_LOCATION)
    etree.SubElement(manifest, f"{{{CP}}}organizations")
    resources = etree.SubElement(manifest, f"{{{CP}}}resources")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in items:
            if isinstance(item, ProblemSolutionItem):
                report.add(item.id, "problem–solution set: one item per solution; the no-going-back rule is not kept")
            if isinstance(item, CaseStudyItem):
                report.add(item.id, "case study: one item per question, the scenario repeated in each")
            for n, (part, body) in enumerate(item.parts()):
                el = item_xml(item, part, body, report)
                name = f"items/{el.get('identifier')}.xml"
                zf.writestr(name, etree.tostring(el, xml_declaration=True, encoding="UTF-8", pretty_print=True))
                res = etree.SubElement(resources, f"{{{CP}}}resource",
                                       {"identifier": f"res-{el.get('identifier')}", "type": "imsqti_item_xmlv2p1",
                                        "href": name})
                if n == 0:  # the whole certprep item rides along, so our own packages read back exactly
                    meta = etree.SubElement(etree.SubElement(res, f"{{{CP}}}metadata"), f"{{{CERTPREP}}}item")
                    meta.text = json.dumps(item.model_dump(mode="json"), ensure_ascii=False)
                etree.SubElement(res, f"{{{CP}}}file", {"href": name})
        zf.writestr("imsmanifest.xml", etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    return report
