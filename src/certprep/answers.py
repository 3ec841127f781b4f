"""Answers files: answer a whole form from JSON, for scripts and tests (docs/answers-file.md).

    {"answers": {"item-id": "B", "set-id/solution-id": "yes", "case-id/q1": ["A", "C"]},
     "flags": ["item-id"], "confidence": {"item-id": "high"}}

Every response is checked against its question before the attempt starts, so a bad file
never leaves a half-answered attempt behind.
"""

from __future__ import annotations

import json
from pathlib import Path

from certprep.bank.items import split_question_key
from certprep.bank.loader import Bank
from certprep.engine.attempts import Attempts
from certprep.engine.forms import Form
from certprep.engine.scoring import body_of, normalize
from certprep.errors import AnswersFileError, InvalidResponse

HIDDEN = {"key", "explanation", "refs", "source", "verified", "reviewed", "status"}


def read(path: Path, form: Form, bank: Bank) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersFileError(f"{path}: cannot read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise AnswersFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise AnswersFileError(f'{path}: expected {{"answers": {{"question-key": answer, …}}}}')
    keys = form.keys()
    out: dict = {"answers": {}, "flags": [], "confidence": {}}
    for key, response in data["answers"].items():
        if key not in keys:
            shown = ", ".join(keys[:12]) + (" …" if len(keys) > 12 else "")
            raise AnswersFileError(f"{path}: answers.{key}: not a question of this form "
                                   f"(use --print-form to list them: {shown})")
        item_id, part = split_question_key(key)
        try:
            out["answers"][key] = normalize(body_of(bank.items[item_id], part), response)
        except InvalidResponse as exc:
            raise AnswersFileError(f"{path}: answers.{key}: {exc}") from exc
    for key, level in (data.get("confidence") or {}).items():
        if key not in out["answers"] or level not in ("low", "medium", "high"):
            raise AnswersFileError(f"{path}: confidence.{key}: give low, medium or high for an answered question")
        out["confidence"][key] = level
    for key in data.get("flags", []):
        if key not in keys:
            raise AnswersFileError(f"{path}: flags: {key!r} is not a question of this form")
        out["flags"].append(key)
    return out


def apply(attempts: Attempts, attempt_id: int, form: Form, checked: dict) -> dict:
    """Answer section by section, finishing each; returns the scored result."""
    for section in form.sections:
        for key in section.questions:
            if key in checked["answers"]:
                attempts.answer(attempt_id, key, checked["answers"][key], checked["confidence"].get(key))
            if key in checked["flags"]:
                attempts.flag(attempt_id, key)
        view = attempts.finish_section(attempt_id)
    return view.result  # type: ignore[return-value]


def without_keys(value):
    """A dumped item or body with every key, explanation and source left out (HIDDEN), at any depth:
    what a learner, or a blind reviewer, may see before answering."""
    if isinstance(value, dict):
        return {k: without_keys(v) for k, v in value.items() if k not in HIDDEN}
    if isinstance(value, list):
        return [without_keys(v) for v in value]
    return value


def describe_form(form: Form, bank: Bank) -> dict:
    """The form as a learner may see it before answering: no keys, no explanations."""
    sections = []
    for section in form.sections:
        questions = []
        for key in section.questions:
            item_id, part = split_question_key(key)
            body = body_of(bank.items[item_id], part)
            questions.append({"key": key, **without_keys(body.model_dump(mode="json"))})
        sections.append({"kind": section.kind, "title": section.title, "revisit": section.revisit,
                         "questions": questions})
    return {"exam": form.exam, "mode": form.mode, "seed": form.seed, "bank_version": form.bank_version,
            "minutes": form.minutes, "sections": sections}
