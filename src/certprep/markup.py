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
    return Markup(nh3.clean(_md.render(text or ""), link_rel="noopener noreferrer"))


def inline(text: str | None) -> Markup:
    """Markdown for short texts (options): no surrounding paragraph."""
    rendered = nh3.clean(_md.renderInline(text or ""), link_rel="noopener noreferrer")
    return Markup(rendered)


def template_with_selects(template: str, blanks: dict[str, list[tuple[str, str]]], chosen: dict[str, str]) -> Markup:
    """Escape a dropdown item's template and put a <select> where each {{blank}} stands."""
    out, last = [], 0
    for m in BLANK.finditer(template):
        out.append(html.escape(template[last:m.start()]))
        blank = m.group(1)
        options = "".join(
            f'<option value="{html.escape(oid)}"{" selected" if chosen.get(blank) == oid else ""}>{html.escape(text)}</option>'
            for oid, text in blanks.get(blank, []))
        out.append(f'<select name="b.{html.escape(blank)}" aria-label="blank {html.escape(blank)}">'
                   f'<option value="">choose…</option>{options}</select>')
        last = m.end()
    out.append(html.escape(template[last:]))
    return Markup("".join(out))
