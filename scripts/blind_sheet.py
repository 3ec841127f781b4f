"""Print items as a blind reviewer should see them: no keys, explanations, sources or ids.

    python scripts/blind_sheet.py content/items/agents/new-*.yaml --map /tmp/map.json > sheet.md

Items are numbered 1..N (an id can name the answer's topic); `--map` writes {number: id} so the
reviewer's answers can be compared with the keys afterwards (CONTENT_GUIDE: blind review).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml

from certprep.answers import without_keys
from certprep.bank.loader import Bank, item_files, load_file


class _Literal(yaml.SafeDumper):
    """Multi-line text (stems, code) printed as `|` blocks, the way the bank writes it."""


_Literal.add_representer(str, lambda d, s: d.represent_scalar(
    "tag:yaml.org,2002:str", s, style="|" if "\n" in s else None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="item files or folders")
    parser.add_argument("--map", type=Path, help="write {number: item id} here")
    args = parser.parse_args()
    bank = Bank()
    for root in args.paths:
        for path in item_files(root) if root.is_dir() else [root]:
            load_file(path, bank)
    for problem in bank.problems:
        raise SystemExit(str(problem))
    numbers = {}
    for n, item in enumerate(sorted(bank.items.values(), key=lambda i: i.id), 1):
        data = without_keys(item.model_dump(mode="json", exclude_none=True, exclude_defaults=True))
        for field in ("id", "skills", "difficulty"):  # the reviewer judges the key, not the tagging
            data.pop(field, None)
        numbers[n] = item.id
        print(f"## Item {n}\n\n```yaml\n{yaml.dump(data, Dumper=_Literal, sort_keys=False, allow_unicode=True, width=100)}```\n")
    if args.map:
        args.map.write_text(json.dumps(numbers, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
