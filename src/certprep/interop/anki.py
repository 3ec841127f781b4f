"""Anki export (genanki): one note per item with the stem, the options, the key and every
explanation, tagged by exam, domain and skill.

Note GUIDs come from the item id, and the note type and deck ids are fixed, so importing a newer
export updates the learner's existing cards instead of adding duplicates.
"""

from __future__ import annotations

import html
from pathlib import Path

import genanki

from certprep.bank.blueprint import Blueprint
from certprep.bank.items import AnyItem, BuildListBody, DropdownBody, MatchingBody, MultipleBody, SingleBody, \
    SolutionBody, YesNoBody
from certprep.engine.order import shuffled
from certprep.markup import inline, markdown

MODEL_ID = 1_702_000_101  # fixed forever: changing it makes Anki treat every card as new
DECK_ID = 1_702_000_202

MODEL = genanki.Model(
    MODEL_ID, "certprep item",
    fields=[{"name": "ItemId"}, {"name": "Question"}, {"name": "Answer"}, {"name": "Explanations"},
            {"name": "Refs"}],
    templates=[{"name": "Card 1", "qfmt": "{{Question}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}<br>{{Explanations}}<br>{{Refs}}"}],
    css=".card { font-family: sans-serif; text-align: left; } .key { font-weight: bold; }")


def _part_html(body) -> tuple[str, str, str]:
    """(question, answer, explanations) of one question, as HTML."""
    q = [str(markdown(body.stem))]
    expl = []
    if isinstance(body, (SingleBody, MultipleBody)):
        keys = {body.key} if isinstance(body, SingleBody) else set(body.key)
        q += [f"<p>{chr(65 + i)}. {inline(o.text)}</p>" for i, o in enumerate(body.options)]
        answer = ", ".join(f"{chr(65 + i)}. {inline(o.text)}" for i, o in enumerate(body.options) if o.id in keys)
        expl += [f"<p><b>{chr(65 + i)}</b>: {inline(o.explanation)}</p>" for i, o in enumerate(body.options)]
    elif isinstance(body, MatchingBody):
        names = {s.id: s.text for s in body.sources}
        q += [f"<p>Targets: {'; '.join(str(inline(t.text)) for t in body.targets)}</p>",
              f"<p>Sources: {'; '.join(str(inline(s.text)) for s in body.sources)}</p>"]
        answer = "<br>".join(f"{inline(t.text)} → {inline(names[body.key[t.id]])}" for t in body.targets)
        expl += [f"<p>{inline(t.text)}: {inline(t.explanation)}</p>" for t in body.targets]
    elif isinstance(body, BuildListBody):
        q += [f"<p>Steps: {'; '.join(str(inline(s.text)) for s in body.steps)}</p>"]
        steps = {s.id: s for s in body.steps}
        answer = "<ol>" + "".join(f"<li>{inline(steps[k].text)}</li>" for k in body.key) + "</ol>"
        expl += [f"<p>{inline(s.text)}: {inline(s.explanation)}</p>" for s in body.steps]
    elif isinstance(body, DropdownBody):
        q += [f"<pre>{html.escape(body.template)}</pre>"]
        answer = "<br>".join(f"{b.id}: {html.escape(next(o.text for o in b.options if o.id == b.key))}" for b in body.blanks)
        expl += [f"<p>{b.id} = {html.escape(o.text)}: {inline(o.explanation)}</p>" for b in body.blanks for o in b.options]
    elif isinstance(body, YesNoBody):
        q += [f"<p>{i}. {inline(s.text)}</p>" for i, s in enumerate(body.statements, 1)]
        answer = "<br>".join(f"{i}. {'Yes' if s.key else 'No'}" for i, s in enumerate(body.statements, 1))
        expl += [f"<p>{i}: {inline(s.explanation)}</p>" for i, s in enumerate(body.statements, 1)]
    elif isinstance(body, SolutionBody):
        q += [f"<p>Goal: {inline(body.goal)}</p><p>Solution: {inline(body.solution.text)}</p>"]
        answer = "Yes" if body.solution.key else "No"
        expl += [str(markdown(body.solution.explanation))]
    else:
        raise TypeError(type(body).__name__)
    return "".join(q), answer, "".join(expl)


def note_for(item: AnyItem, blueprints: dict[str, Blueprint]) -> genanki.Note:
    # Choices in a fixed shuffled order per item: authors write the key first (engine/order.py).
    parts = [_part_html(shuffled(body, f"{item.id}/{part}")) for part, body in item.parts()]
    multi = len(parts) > 1
    question = "".join((f"<h4>Part {n}</h4>" if multi else "") + q for n, (q, _, _) in enumerate(parts, 1))
    answer = "".join((f"<h4>Part {n}</h4>" if multi else "") + a for n, (_, a, _) in enumerate(parts, 1))
    explanations = "".join(e for _, _, e in parts)
    if getattr(item, "scenario", None):
        question = "".join(f"<h3>{html.escape(t.title)}</h3>{markdown(t.content)}" for t in item.scenario) + question
    refs = " · ".join(f'<a href="{html.escape(r.url)}">{html.escape(r.title)}</a>' for r in item.links())
    tags = set()
    for bp in blueprints.values():
        for skill in item.all_skills():
            if skill in bp.skills:
                tags |= {f"certprep::exam::{bp.code}", f"certprep::domain::{bp.domain_of_skill[skill].id}",
                         f"certprep::skill::{skill}"}
    return genanki.Note(model=MODEL, fields=[item.id, question, answer, explanations, refs],
                        tags=sorted(tags), guid=genanki.guid_for("certprep", item.id))


def export_apkg(items: list[AnyItem], blueprints: dict[str, Blueprint], path: Path) -> int:
    deck = genanki.Deck(DECK_ID, "certprep")
    for item in items:
        deck.add_note(note_for(item, blueprints))
    genanki.Package(deck).write_to_file(str(path))
    return len(items)
