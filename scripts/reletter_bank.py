"""Re-letter the bank so that neither ids nor file order give the key away.

Authors write the key first (it is easier to review), so 92 of 103 single-answer keys were `A`,
build-list keys ran `s1 … sN` in key order, and drop-down keys came first. Ids travel in the QTI,
Moodle and GIFT exports learners see, so this script moves choices in the files and renames
ids that read as an order (`A`, `B` … or `s1`, `s2` …) to follow the new file order:

- single and multiple answer options, and drop-down options: each key goes to the position its
  folder has used least so far (ties broken by a hash of the item id), so keys are spread
  evenly; the other choices keep their relative order;
- build-list steps and matching sources: an order fixed by a hash of the item id and the text.

Keys are rewritten to the new ids, and so are references to option letters in the item's texts
(`A and B`, `option C`); each one is printed so that a person can read it once. The script is
deterministic and idempotent: run it again (after a merge, after new items) and only items
that need it change. Every rewritten file is checked to mean the same item as before (the same
choice texts, the same keys by text); a file that would not is left alone and reported.

    python scripts/reletter_bank.py [content/items …]     # default: the bundled bank
    python scripts/reletter_bank.py --check                # exit 1 if a file would change
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from certprep.bank.loader import ITEM_ADAPTER, item_files  # noqa: E402

LETTER_REFS = [  # texts that name options by letter; only the letters in group "l" are rewritten
    re.compile(r"\b(?:[Oo]ptions?|[Cc]hoices?|[Aa]nswers?) (?P<l>[A-H])\b"),
    re.compile(r"(?<![\w`'/-])(?P<l>[A-H])(?= (?:and|or) [A-H](?![\w`'/-])|, [A-H](?![\w`'/-]))"),
    re.compile(r"(?:(?<=[A-H] and )|(?<=[A-H], )|(?<=[A-H] or ))(?P<l>[A-H])(?![\w`'/-])"),
]


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


@dataclass
class Edits:
    """Changes to one file's text: scalar replacements (same lines) and blocks of lines to reorder."""

    scalars: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end) offsets, new text
    blocks: list[tuple[list[tuple[int, int]], list[int]]] = field(default_factory=list)  # line ranges, new order
    letters: list[tuple[int, int, dict[str, str]]] = field(default_factory=list)  # line range, letter map


def _get(node: yaml.MappingNode, name: str):
    return next((v for k, v in node.value if k.value == name), None)


def _ordered(ids: list[str]) -> str | None:
    """The style of ids that read as an order: "A" for letters, the prefix for s1, s2 …"""
    if all(re.fullmatch(r"[A-Z]", i) for i in ids):
        return "A"
    prefixes = {m.group(1) for i in ids if (m := re.fullmatch(r"([a-z]+)\d+", i))}
    if len(prefixes) == 1 and all(re.fullmatch(r"[a-z]+\d+", i) for i in ids):
        return prefixes.pop()
    return None


def _new_ids(ids_in_new_order: list[str]) -> dict[str, str]:
    style = _ordered(ids_in_new_order)
    if style is None:
        return {i: i for i in ids_in_new_order}
    if style == "A":
        return {old: chr(ord("A") + n) for n, old in enumerate(ids_in_new_order)}
    return {old: f"{style}{n}" for n, old in enumerate(ids_in_new_order, 1)}


class Planner:
    """Chooses key positions, spreading them per folder: the least used position first."""

    def __init__(self) -> None:
        self.used: dict[tuple[Path, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))

    def spread(self, folder: Path, kind: str, n: int, keys: int, salt: str) -> list[int]:
        counts = self.used[(folder, kind)]
        ranked = sorted(range(n), key=lambda p: (counts[p], _hash(salt, str(p))))
        chosen = sorted(ranked[:keys])
        for p in chosen:
            counts[p] += 1
        return chosen


def _keys_first_order(n: int, key_indexes: list[int], positions: list[int]) -> list[int]:
    """A new order (old indexes) with the keys, in their order, at `positions`."""
    others = [i for i in range(n) if i not in key_indexes]
    order: list[int] = []
    keys = iter(sorted(key_indexes))
    rest = iter(others)
    for p in range(n):
        order.append(next(keys) if p in positions else next(rest))
    return order


class FileEditor:
    def __init__(self, path: Path, planner: Planner) -> None:
        self.path, self.planner = path, planner
        self.text = path.read_text(encoding="utf-8")
        self.lines = self.text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.edits = Edits()
        self.notes: list[str] = []

    def offset(self, mark) -> int:
        return self.starts[mark.line] + mark.column

    def replace(self, node, new: str) -> None:
        if node.value != new:
            self.edits.scalars.append((self.offset(node.start_mark), self.offset(node.end_mark), new))

    def entry_ranges(self, seq: yaml.SequenceNode) -> list[tuple[int, int]]:
        """Each entry's lines: from its `- ` line to the next entry's (the last: to the block's end)."""
        starts = [e.start_mark.line for e in seq.value]
        end_mark = seq.end_mark
        before = self.text[self.starts[min(end_mark.line, len(self.lines))]:self.offset(end_mark)] \
            if end_mark.line < len(self.lines) else ""
        end = end_mark.line if not before.strip() else end_mark.line + 1
        while end - 1 > starts[-1] and not self.lines[end - 1].strip():
            end -= 1  # trailing blank lines stay where they are
        return list(zip(starts, starts[1:] + [end]))

    def reorder(self, seq: yaml.SequenceNode, order: list[int], ids_key: str = "id") -> dict[str, str]:
        """Move the entries of `seq` into `order` (old indexes) and rename ordered ids; returns
        the id map."""
        if seq.flow_style:
            raise ValueError("a choice list written in flow style ([…]); write it as a block list")
        old_ids = [_get(e, ids_key).value for e in seq.value]
        renamed = _new_ids([old_ids[i] for i in order])
        if order != list(range(len(order))):
            self.edits.blocks.append((self.entry_ranges(seq), order))
        for e in seq.value:
            node = _get(e, ids_key)
            self.replace(node, renamed[node.value])
        return renamed

    def rewrite_key(self, key_node, renamed: dict[str, str], sort: bool) -> None:
        if isinstance(key_node, yaml.ScalarNode):
            self.replace(key_node, renamed[key_node.value])
        elif isinstance(key_node, yaml.SequenceNode):
            values = [renamed[v.value] for v in key_node.value]
            if sort:
                values = sorted(values, key=lambda v: (len(v), v))
            for node, value in zip(key_node.value, values):
                self.replace(node, value)

    def body(self, node: yaml.MappingNode, salt: str, span: tuple[int, int]) -> None:
        kind = _get(node, "type").value
        folder = self.path.parent
        if kind in ("single", "multiple"):
            options, key = _get(node, "options"), _get(node, "key")
            ids = [_get(o, "id").value for o in options.value]
            keys = [key.value] if kind == "single" else [k.value for k in key.value]
            positions = self.planner.spread(folder, f"{kind}/{len(ids)}", len(ids), len(keys), salt)
            renamed = self.reorder(options, _keys_first_order(len(ids), [ids.index(k) for k in keys], positions))
            self.rewrite_key(key, renamed, sort=True)
            if _ordered(ids) == "A" and any(a != b for a, b in renamed.items()):
                self.edits.letters.append((*span, renamed))
        elif kind == "dropdown":
            for blank in _get(node, "blanks").value:
                options, key = _get(blank, "options"), _get(blank, "key")
                ids = [_get(o, "id").value for o in options.value]
                positions = self.planner.spread(folder, f"drop-down/{len(ids)}", len(ids), 1, f"{salt}/{_get(blank, 'id').value}")
                renamed = self.reorder(options, _keys_first_order(len(ids), [ids.index(key.value)], positions))
                self.rewrite_key(key, renamed, sort=False)
        elif kind == "build_list":
            steps, key = _get(node, "steps"), _get(node, "key")
            texts = [_get(s, "text").value for s in steps.value]
            order = sorted(range(len(texts)), key=lambda i: _hash(salt, texts[i]))
            self.rewrite_key(key, self.reorder(steps, order), sort=False)
        elif kind == "matching":
            sources, key = _get(node, "sources"), _get(node, "key")
            texts = [_get(s, "text").value for s in sources.value]
            order = sorted(range(len(texts)), key=lambda i: _hash(salt, texts[i]))
            renamed = self.reorder(sources, order)
            for _, value in key.value:
                self.replace(value, renamed[value.value])

    def plan(self) -> None:
        root = yaml.compose(self.text)
        item_id = _get(root, "id").value
        if _get(root, "type").value == "case_study":
            for q in _get(root, "questions").value:
                span = (q.start_mark.line, q.end_mark.line)
                self.body(q, f"{item_id}/{_get(q, 'id').value}", span)
        else:
            self.body(root, item_id, (0, len(self.lines)))

    def result(self) -> str:
        text = self.text
        for start, end, new in sorted(self.edits.scalars, reverse=True):
            text = text[:start] + new + text[end:]
        lines = text.splitlines(keepends=True)
        for first, last, renamed in self.edits.letters:
            for n in range(first, min(last, len(lines))):
                if re.match(r"\s*(- )?(id|key):", lines[n]):
                    continue
                lines[n] = self._letters(lines[n], renamed, n)
        for ranges, order in self.edits.blocks:
            blocks = [lines[a:b] for a, b in ranges]
            moved = [line for i in order for line in blocks[i]]
            lines[ranges[0][0]:ranges[-1][1]] = moved
        return "".join(lines)

    def _letters(self, line: str, renamed: dict[str, str], n: int) -> str:
        spots = sorted({m.start("l") for pattern in LETTER_REFS for m in pattern.finditer(line)})
        if not spots:
            return line
        out = list(line)
        for at in spots:
            out[at] = renamed.get(line[at], line[at])
        new = "".join(out)
        if new != line:
            self.notes.append(f"{self.path}:{n + 1}: option letters in the text rewritten: {line.strip()!r} -> {new.strip()!r}")
        return new


def meaning(item) -> list:
    """What must not change: every question's choices by text and its key by text."""
    out = []
    for part, body in item.parts():
        t = body.type
        if t in ("single", "multiple"):
            keys = {body.key} if t == "single" else set(body.key)
            out.append((part, sorted((o.text, o.id in keys) for o in body.options)))
        elif t == "dropdown":
            out.append((part, [(b.id, sorted((o.text, o.id == b.key) for o in b.options)) for b in body.blanks]))
        elif t == "build_list":
            steps = {s.id: s.text for s in body.steps}
            out.append((part, sorted(steps.values()), [steps[k] for k in body.key]))
        elif t == "matching":
            sources = {s.id: s.text for s in body.sources}
            out.append((part, sorted(sources.values()), {t: sources[s] for t, s in body.key.items()}))
        else:
            out.append((part, body.model_dump(mode="json")))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[ROOT / "content" / "items"])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    args = parser.parse_args(argv)
    planner, changed, refused = Planner(), [], []
    for root in args.roots:
        for path in item_files(root):
            editor = FileEditor(path, planner)
            try:
                before = ITEM_ADAPTER.validate_python(yaml.safe_load(editor.text))
                editor.plan()
                new = editor.result()
                after = ITEM_ADAPTER.validate_python(yaml.safe_load(new))
            except Exception as exc:  # a file the loader refuses is lint's business; say so and go on
                refused.append(f"{path}: left as it is: {exc}")
                continue
            if meaning(before) != meaning(after):
                refused.append(f"{path}: left as it is: the rewrite would change what the item means")
                continue
            if new != editor.text:
                changed.append(path)
                for note in editor.notes:
                    print(note)
                if not args.check:
                    path.write_text(new, encoding="utf-8")
    for line in refused:
        print(line, file=sys.stderr)
    verb = "would change" if args.check else "changed"
    print(f"{len(changed)} files {verb}; {len(refused)} left as they are", file=sys.stderr)
    return 1 if (args.check and changed) or refused else 0


if __name__ == "__main__":
    sys.exit(main())
