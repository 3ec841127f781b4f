"""Keys spread over positions (issue 12, point 1): `certprep lint` warns about a folder whose
keys pile up on the first choice, and scripts/reletter_bank.py spreads them without changing
what any item means."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from certprep.bank.lint import lint_bank, load_retired_names
from certprep.bank.loader import load_bank

from .conftest import CONTENT, ROOT, doc_examples

SCRIPT = ROOT / "scripts" / "reletter_bank.py"
WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa".split()


def key_first_folder(folder: Path, n: int = 24) -> None:
    """A folder as authors write it: every item of every choice type with its key first."""
    folder.mkdir(parents=True)
    for text in doc_examples()[:5]:  # single, multiple, matching, build list, drop-down
        base = yaml.safe_load(text)
        for i in range(n):
            item = {**base, "id": f"{base['id']}-{i}",
                    "stem": f"{base['stem']} Variant {WORDS[i % 16]} {WORDS[(i * 7) % 16]} {i}."}
            (folder / f"{item['id']}.yaml").write_text(yaml.safe_dump(item, sort_keys=False, width=100))


def lint(folder: Path, exams):
    return lint_bank(load_bank(folder), exams, load_retired_names(CONTENT / "services.yaml"))


def keys_by_text(folder: Path) -> dict:
    out = {}
    for item in load_bank(folder).items.values():
        if item.type in ("single", "multiple"):
            keys = {item.key} if item.type == "single" else set(item.key)
            out[item.id] = sorted((o.text, o.id in keys) for o in item.options)
        elif item.type == "build_list":
            steps = {s.id: s.text for s in item.steps}
            out[item.id] = [steps[k] for k in item.key]
        elif item.type == "matching":
            sources = {s.id: s.text for s in item.sources}
            out[item.id] = {t: sources[s] for t, s in item.key.items()}
        elif item.type == "dropdown":
            out[item.id] = [(b.id, next(o.text for o in b.options if o.id == b.key)) for b in item.blanks]
    return out


def reletter(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120)


def test_lint_warns_when_keys_pile_up_and_reletter_spreads_them(tmp_path, exams):
    folder = tmp_path / "items" / "service"
    key_first_folder(folder)
    warned = {p.message.split(" keys")[0] for p in lint(folder, exams) if p.item_id == "(folder)"}
    assert warned == {"option", "drop-down option", "build-list step", "build-list first step", "matching source"}
    before = keys_by_text(folder)

    done = reletter(folder)
    assert done.returncode == 0, done.stderr
    assert int(done.stderr.split(" files changed")[0]) > 100
    after = lint(folder, exams)
    assert [p for p in after if p.item_id == "(folder)" or p.severity == "error"] == []
    assert keys_by_text(folder) == before  # the same keys, by text
    singles = [i for i in load_bank(folder).items.values() if i.type == "single"]
    assert sorted(sum(i.key == k for i in singles) for k in "ABCD") == [6, 6, 6, 6]  # every position, evenly
    assert all(i.options["ABCD".index(i.key)].text == "`prebuilt-invoice`" for i in singles)  # ids follow the file
    steps = [i for i in load_bank(folder).items.values() if i.type == "build_list"]
    assert len({tuple(i.key) for i in steps}) > 1 and not all(i.key == ["s1", "s2", "s3", "s4"] for i in steps)

    again = reletter("--check", folder)  # deterministic and idempotent: nothing left to change
    assert again.returncode == 0 and "0 files would change" in again.stderr


def test_text_naming_options_by_letter_follows_the_new_letters(tmp_path):
    folder = tmp_path / "items" / "service"
    folder.mkdir(parents=True)
    base = yaml.safe_load(doc_examples()[1])  # multiple answer: keys A and B of five
    for i in range(3):
        item = {**base, "id": f"letters-{i}",
                "options": [{**o, "explanation": (f"Wrong. Only A and {base['key'][1]} meet the goal."
                                                  if o["id"] not in base["key"] else o["explanation"])}
                            for o in base["options"]]}
        (folder / f"{item['id']}.yaml").write_text(yaml.safe_dump(item, sort_keys=False, width=100))
    done = reletter(folder)
    assert done.returncode == 0, done.stderr
    assert "option letters in the text rewritten" in done.stdout
    for item in load_bank(folder).items.values():
        first, second = sorted(item.key)
        for o in item.options:
            if o.id not in item.key:
                assert o.explanation == f"Wrong. Only {first} and {second} meet the goal."


def test_a_file_that_cannot_be_read_is_left_alone_and_reported(tmp_path):
    folder = tmp_path / "items"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: broken\ntype: single\noptions: [\n")
    done = reletter(folder)
    assert done.returncode == 1 and "broken.yaml: left as it is" in done.stderr
    assert (folder / "broken.yaml").read_text() == "id: broken\ntype: single\noptions: [\n"
