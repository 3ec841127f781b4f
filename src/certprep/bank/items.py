"""The item model: eight Microsoft item types as one pydantic discriminated union on `type`.

A *question* is what a learner answers in one go and what a form counts: a standalone item is
one question; a problem–solution set is one question per proposed solution; a case study is one
question per embedded question. `Item.parts()` lists them as `(part, body)` pairs, where
`part` is None for a standalone item, and `Question.key` is `item-id` or `item-id/part`.

Keys live with the options they choose; answer shapes are documented in docs/item-format.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Annotated, Literal, Union
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

ID = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*[a-z0-9]$", max_length=80)]
PART_ID = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=40)]
BLANK = re.compile(r"\{\{\s*([A-Za-z0-9_-]+)\s*\}\}")

ITEM_TYPES = ("single", "multiple", "matching", "build_list", "dropdown", "yes_no",
              "problem_solution", "case_study")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Model):
    """A choice a learner can pick, with why it is right or wrong."""

    id: PART_ID
    text: str
    explanation: str = ""


class Exhibit(_Model):
    """Code, a table or text shown beside the stem (Markdown; code gets a language)."""

    title: str
    kind: Literal["code", "table", "text"] = "text"
    language: str | None = None
    content: str


class Statement(_Model):
    """A statement judged Yes/No (`yes_no`) or a proposed solution (`problem_solution`)."""

    id: PART_ID
    text: str
    key: bool  # YAML reads `yes`/`no` as booleans
    explanation: str = ""


class Review(_Model):
    """A second reader's check of the key; `blind` when they re-derived it without seeing the key
    or the explanations (CONTENT_GUIDE: blind review)."""

    date: dt.date
    blind: bool


class Blank(_Model):
    """One drop-down inside a dropdown item's template."""

    id: PART_ID
    options: list[Option] = Field(min_length=2)
    key: str


class Tab(_Model):
    """One tab of a case study's scenario."""

    title: str
    content: str


class Ref(_Model):
    """A page that proves the key, with the title a reader sees instead of the bare URL."""

    url: str
    title: str = Field(min_length=1)


# Names kept as written when a title is made from a URL ("azure-openai-rag" -> "Azure OpenAI RAG").
_WORDS = {w.lower(): w for w in ("AI", "API", "APIs", "SDK", "REST", "RAG", "OCR", "PII", "LLM", "JSON", "URL",
                                 "ID", "IDs", "HTTP", "Azure", "OpenAI", "Microsoft", "Entra", "Foundry",
                                 "GPT", "CLI", "VNet", "TLS", "MCP", "SSML", "LUIS", "QnA", "Python", "C#")}


def ref_title(url: str) -> str:
    """A readable title for a plain URL ref: its last path segment (and #section) in words."""
    parts = urlsplit(url)
    segments = [re.sub(r"\.(md|html?)$", "", p) for p in parts.path.split("/") if p] or [parts.netloc]
    words = [w for w in re.split(r"[-_]+", segments[-1]) if w]
    if len(words) == 1 and len(segments) > 1:  # "…/language-service/overview": say whose overview
        words = [w for w in re.split(r"[-_]+", segments[-2]) if w] + words
    words = [_WORDS.get(w.lower(), w) for w in words]
    title = " ".join(words) or url
    title = title[0].upper() + title[1:]
    if parts.fragment:
        title += " › " + " ".join(_WORDS.get(w.lower(), w) for w in re.split(r"[-_]+", parts.fragment) if w)
    return title


def ref_link(ref: str | Ref) -> Ref:
    return ref if isinstance(ref, Ref) else Ref(url=ref, title=ref_title(ref))


# ---- question bodies: what is shown and keyed, shared by standalone items and case questions


class _Body(_Model):
    stem: str
    exhibits: list[Exhibit] = []

    def max_points(self) -> int:
        return 1


class SingleBody(_Body):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2)
    key: str


class MultipleBody(_Body):
    type: Literal["multiple"]
    options: list[Option] = Field(min_length=3)
    choose: int = Field(ge=2)
    key: list[str] = Field(min_length=1)

    def max_points(self) -> int:
        return len(self.key)


class MatchingBody(_Body):
    """Drag sources onto targets; a source may be used once, several times or not at all."""

    type: Literal["matching"]
    sources: list[Option] = Field(min_length=2)
    targets: list[Option] = Field(min_length=2)
    key: dict[str, str]  # target id -> source id

    def max_points(self) -> int:
        return len(self.targets)


class BuildListBody(_Body):
    """Put the needed steps in order; steps not in `key` are spares."""

    type: Literal["build_list"]
    steps: list[Option] = Field(min_length=3)
    key: list[str] = Field(min_length=2)

    def max_points(self) -> int:
        return len(self.key)


class DropdownBody(_Body):
    """Blanks `{{id}}` inside `template` (text, or code when `language` is set)."""

    type: Literal["dropdown"]
    template: str
    language: str | None = None
    blanks: list[Blank] = Field(min_length=1)

    def max_points(self) -> int:
        return len(self.blanks)


class YesNoBody(_Body):
    type: Literal["yes_no"]
    statements: list[Statement] = Field(min_length=2)

    def max_points(self) -> int:
        return len(self.statements)


Body = Annotated[
    Union[SingleBody, MultipleBody, MatchingBody, BuildListBody, DropdownBody, YesNoBody],
    Field(discriminator="type"),
]


# ---- standalone items


class _Meta(_Model):
    id: ID
    status: Literal["draft", "live", "retired"] = "draft"
    skills: list[str] = Field(min_length=1)
    difficulty: int = Field(ge=1, le=5)
    refs: list[str | Ref] = []  # a URL, or {url, title}
    source: list[str] = []
    verified: dt.date | None = None
    reviewed: Review | None = None

    def parts(self) -> list[tuple[str | None, _Body]]:
        return [(None, self)]  # type: ignore[list-item]

    def all_skills(self) -> list[str]:
        return list(self.skills)

    def links(self) -> list[Ref]:
        """The refs with titles (made from the URL where the bank gives none)."""
        return [ref_link(r) for r in self.refs]

    def content_hash(self) -> str:
        """Identifies this exact version of the item; attempts record it."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()


class SingleItem(_Meta, SingleBody):
    pass


class MultipleItem(_Meta, MultipleBody):
    pass


class MatchingItem(_Meta, MatchingBody):
    pass


class BuildListItem(_Meta, BuildListBody):
    pass


class DropdownItem(_Meta, DropdownBody):
    pass


class YesNoItem(_Meta, YesNoBody):
    pass


class SolutionBody(_Model):
    """One proposed solution of a problem–solution set, seen as a question of its own."""

    type: Literal["solution"] = "solution"
    stem: str
    goal: str
    solution: Statement
    exhibits: list[Exhibit] = []

    def max_points(self) -> int:
        return 1


class ProblemSolutionItem(_Meta):
    """One scenario and goal, several proposed solutions, each "does it meet the goal?"."""

    type: Literal["problem_solution"]
    stem: str
    goal: str
    exhibits: list[Exhibit] = []
    solutions: list[Statement] = Field(min_length=2)

    def parts(self) -> list[tuple[str | None, _Body]]:
        return [(s.id, SolutionBody(stem=self.stem, goal=self.goal, solution=s, exhibits=self.exhibits))
                for s in self.solutions]  # type: ignore[misc]


class CaseQuestionMeta(_Model):
    id: PART_ID
    skills: list[str] = Field(min_length=1)
    difficulty: int | None = Field(default=None, ge=1, le=5)


class CaseSingle(CaseQuestionMeta, SingleBody):
    pass


class CaseMultiple(CaseQuestionMeta, MultipleBody):
    pass


class CaseMatching(CaseQuestionMeta, MatchingBody):
    pass


class CaseBuildList(CaseQuestionMeta, BuildListBody):
    pass


class CaseDropdown(CaseQuestionMeta, DropdownBody):
    pass


class CaseYesNo(CaseQuestionMeta, YesNoBody):
    pass


CaseQuestion = Annotated[
    Union[CaseSingle, CaseMultiple, CaseMatching, CaseBuildList, CaseDropdown, CaseYesNo],
    Field(discriminator="type"),
]


class CaseStudyItem(_Meta):
    """A scenario in tabs with several questions of the other types, delivered as one section.

    The item's `skills` list what the case as a whole covers; each question carries its own.
    """

    type: Literal["case_study"]
    title: str
    stem: str = ""  # instructions shown above the tabs
    scenario: list[Tab] = Field(min_length=1)
    questions: list[CaseQuestion] = Field(min_length=2)

    def parts(self) -> list[tuple[str | None, _Body]]:
        return [(q.id, q) for q in self.questions]  # type: ignore[misc]

    def all_skills(self) -> list[str]:
        seen = dict.fromkeys(self.skills)
        for q in self.questions:
            seen.update(dict.fromkeys(q.skills))
        return list(seen)


Item = Annotated[
    Union[SingleItem, MultipleItem, MatchingItem, BuildListItem, DropdownItem, YesNoItem,
          ProblemSolutionItem, CaseStudyItem],
    Field(discriminator="type"),
]
AnyItem = Union[SingleItem, MultipleItem, MatchingItem, BuildListItem, DropdownItem, YesNoItem,
                ProblemSolutionItem, CaseStudyItem]


def question_skills(item: AnyItem, part: str | None) -> list[str]:
    """The skills a question counts for: a case question's own, otherwise the item's."""
    if isinstance(item, CaseStudyItem) and part is not None:
        return next(q.skills for q in item.questions if q.id == part)
    return list(item.skills)


def question_key(item_id: str, part: str | None) -> str:
    return item_id if part is None else f"{item_id}/{part}"


def split_question_key(key: str) -> tuple[str, str | None]:
    item_id, _, part = key.partition("/")
    return item_id, part or None

