"""Markdown from the bank, made safe: markdown-it with raw HTML off, then nh3's allow-list.

A `<script>` written in an item renders as text; links get rel="noopener noreferrer".
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False}).enable("table")
BLANK = re.compile(r"\{\{\s*([A-Za-z0-9_-]+)\s*\}\}")


def markdown(text: str | None) -> Markup:
    # A code block scrolls inside itself on a phone; it takes focus so a keyboard can scroll it too.
    html_ = nh3.clean(_md.render(text or ""), link_rel="noopener noreferrer")
    return Markup(html_.replace("<pre>", '<pre tabindex="0">'))


def inline(text: str | None) -> Markup:
    """Markdown for short texts (options): no surrounding paragraph."""
    rendered = nh3.clean(_md.renderInline(text or ""), link_rel="noopener noreferrer")
    return Markup(rendered)


def plain(text: str | None) -> str:
    """Markdown for places that cannot hold markup (a drop-down's options, the terminal): the
    words without the syntax, so `` `filterable` `` reads as filterable."""
    return html.unescape(nh3.clean(_md.renderInline(text or ""), tags=set()))


def literal(text: str) -> str:
    """A code option shown as written, without the backticks wrapping all of it (`` `x` ``)."""
    m = re.fullmatch(r"`([^`]+)`", text.strip())
    return m.group(1) if m else text


def summary(text: str | None, limit: int = 110) -> str:
    """The first words of a stem as plain text, cut at a word: how a question is named in lists."""
    words = " ".join(html.unescape(nh3.clean(_md.render(text or ""), tags=set())).split())
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def blank_labels(template: str) -> dict[str, str]:
    """Each blank of a drop-down template named as a reader finds it: its number and the text
    just before it on its line (`2 (…base_url=")`), not its id."""
    out = {}
    for n, m in enumerate(BLANK.finditer(template), 1):
        before = template[:m.start()].rsplit("\n", 1)[-1].strip()
        before = BLANK.sub("…", before)[-32:]
        out[m.group(1)] = f"{n} (…{before})" if before else str(n)
    return out


def numbered_blanks(template: str) -> str:
    """A drop-down template with each blank shown as its number, `[1]`, for the review."""
    counter = iter(range(1, 10_000))
    return BLANK.sub(lambda _m: f"[{next(counter)}]", template)


def template_with_selects(body, chosen: dict[str, str]) -> Markup:
    """Escape a dropdown item's template and put a <select> where each {{blank}} stands.

    Blanks and their options are named by shown position (`b.2` = `3`), never by bank id; the
    learner's stored answer (bank ids) marks the selected option."""
    blanks = {b.id: (n, b) for n, b in enumerate(body.blanks, 1)}
    out, last = [], 0
    for shown, m in enumerate(BLANK.finditer(body.template), 1):
        out.append(html.escape(body.template[last:m.start()]))
        last = m.end()
        if m.group(1) not in blanks:  # lint refuses such a bank; show the text rather than fail
            out.append(html.escape(m.group(0)))
            continue
        n, blank = blanks[m.group(1)]
        options = "".join(
            f'<option value="{i}"{" selected" if chosen.get(blank.id) == o.id else ""}>{html.escape(literal(o.text))}</option>'
            for i, o in enumerate(blank.options, 1))
        out.append(f'<select name="b.{n}" aria-label="drop-down {shown}"><option value="">choose…</option>{options}</select>')
    out.append(html.escape(body.template[last:]))
    return Markup("".join(out))
