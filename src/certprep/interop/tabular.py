"""JSON and CSV: the bank (out and back in) and a learner's history (out), for spreadsheets.

CSV keeps one item per row: the plain fields as columns, the structured ones (options, key,
statements …) as JSON in a `body` column, so an export reads back with every field equal.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from certprep.bank.items import AnyItem
from certprep.bank.loader import ITEM_ADAPTER
from certprep.engine.attempts import AttemptView
from certprep.errors import CertprepError

PLAIN = ("id", "type", "status", "difficulty", "verified")
LISTS = ("skills", "refs", "source")


class FormatError(CertprepError):
    """A file that cannot be imported (the message names the file, row or item, and why)."""


def items_to_json(items: list[AnyItem]) -> str:
    return json.dumps([i.model_dump(mode="json") for i in items], indent=2, ensure_ascii=False)


def items_to_csv(items: list[AnyItem]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*PLAIN, *LISTS, "stem", "body"], lineterminator="\n")
    writer.writeheader()
    for item in items:
        data = item.model_dump(mode="json")
        row = {k: data.get(k) for k in PLAIN}
        row.update({k: ";".join(data.get(k) or []) for k in LISTS if k != "refs"})
        row["refs"] = ";".join(r if isinstance(r, str) else f"{r['url']} {r['title']}" for r in data.get("refs") or [])
        row["stem"] = data.get("stem", "")
        row["body"] = json.dumps({k: v for k, v in data.items() if k not in (*PLAIN, *LISTS, "stem")}, ensure_ascii=False)
        writer.writerow(row)
    return out.getvalue()


def _ref(cell: str) -> str | dict:
    """A refs entry of a CSV cell: `URL` or `URL title words` (a URL has no spaces)."""
    url, _, title = cell.strip().partition(" ")
    return {"url": url, "title": title.strip()} if title.strip() else url


def items_from_json(text: str, source: str) -> list[AnyItem]:
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{source}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    if not isinstance(rows, list):
        raise FormatError(f"{source}: expected a JSON list of items")
    return [_validate(row, f"{source}: item {n + 1}") for n, row in enumerate(rows)]


def items_from_csv(text: str, source: str) -> list[AnyItem]:
    items = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), 2):
        where = f"{source}:{n}"
        try:
            body = json.loads(row.get("body") or "{}")
        except json.JSONDecodeError as exc:
            raise FormatError(f"{where}: the body column is not valid JSON: {exc.msg}") from exc
        data = {**body, **{k: row[k] for k in PLAIN if row.get(k) not in (None, "")}, "stem": row.get("stem", "")}
        data.update({k: [v for v in (row.get(k) or "").split(";") if v] for k in LISTS})
        data["refs"] = [_ref(v) for v in data["refs"]]
        if "difficulty" in data:
            data["difficulty"] = int(data["difficulty"])
        if data.get("type") == "case_study" and not data["stem"]:
            data["stem"] = ""
        items.append(_validate(data, where))
    return items


def _validate(data: dict, where: str) -> AnyItem:
    try:
        return ITEM_ADAPTER.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise FormatError(f"{where}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc


def write_pack(items: list[AnyItem], folder: Path) -> None:
    """Imported items as a pack of their own: one YAML file per item, to lint before use."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in items:
        (folder / f"{item.id}.yaml").write_text(yaml.safe_dump(item.model_dump(mode="json"), sort_keys=False,
                                                               allow_unicode=True), encoding="utf-8")


def history_rows(views: list[AttemptView]) -> list[dict]:
    return [{"attempt": v.id, "exam": v.exam, "mode": v.mode, "status": v.status,
             "started_at": v.started_at.isoformat(), "finished_at": v.finished_at.isoformat() if v.finished_at else "",
             "scaled_score": v.result["scaled_score"] if v.result else "", "question": q.key,
             "response": json.dumps(q.response), "points": q.points, "max_points": q.max_points,
             "flagged": q.flagged} for v in views for q in v.questions]


def history_to_csv(views: list[AttemptView]) -> str:
    rows = history_rows(views)
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()
