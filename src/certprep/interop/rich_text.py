"""Rich text from other tools as the bank's Markdown.

Moodle marks each text with its format: `html` (Moodle XML's default), `markdown`, `plain_text` or
`moodle_auto_format`; GIFT writes the same as a prefix (`[html]`, `[markdown]`, `[plain]`,
`[moodle]`), which Moodle XML texts sometimes carry too. HTML is sanitised by nh3 first (scripts
and styles go with their content, other tags are unwrapped), then converted by markdownify.
Images and other media cannot live in an item's text: they are taken out and named, for the
importer to report.
"""

from __future__ import annotations

import re

import nh3
from markdownify import MarkdownConverter

MARKER = re.compile(r"^\s*\[(html|markdown|plain|moodle)\]", re.I)
FORMATS = {"html": "html", "markdown": "markdown", "plain": "plain_text", "moodle": "moodle_auto_format"}
MEDIA = {"img", "object", "video", "audio", "embed", "iframe"}
TAGS = {"p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "sub", "sup", "code", "pre", "kbd", "ul", "ol",
        "li", "table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "a", "hr",
        *MEDIA}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "object": {"data"}, "video": {"src"}, "audio": {"src"},
              "embed": {"src"}, "iframe": {"src"}}


class _Converter(MarkdownConverter):
    """markdownify, with media taken out of the text and remembered."""

    def __init__(self, media: list[str]) -> None:
        super().__init__(heading_style="ATX", bullets="-", autolinks=True)
        self.media = media

    def _medium(self, el, text, parent_tags) -> str:
        src = el.attrs.get("src") or el.attrs.get("data") or ""
        self.media.append(src.rsplit("/", 1)[-1] or el.attrs.get("alt") or el.name)
        return ""

    convert_img = convert_object = convert_video = convert_audio = convert_embed = convert_iframe = _medium


def split_marker(text: str, default: str) -> tuple[str, str]:
    """The text without a leading `[html]`-style marker, and the format it names (or `default`)."""
    m = MARKER.match(text)
    return (text[m.end():], FORMATS[m.group(1).lower()]) if m else (text, default)


def html_to_markdown(html: str, media: list[str]) -> str:
    cleaned = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, link_rel=None)
    # Inside a <div>, text that looks like a URL is not mistaken by BeautifulSoup for a file name.
    text = _Converter(media).convert(f"<div>{cleaned}</div>").replace("\xa0", " ")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def to_markdown(text: str, fmt: str, media: list[str]) -> str:
    """Text of the given Moodle format (a leading marker wins) as trimmed Markdown; media found
    in HTML are appended to `media`."""
    text, fmt = split_marker(text or "", fmt)
    return html_to_markdown(text, media) if fmt == "html" else text.strip()
