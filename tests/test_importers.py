"""Importers against files written the way the formats' own documentation describes them
(tests/interop_fixtures/: every GIFT question type, Moodle XML of each core type, QTI 2.1 items),
each question with its expected outcome: imported with this key, or reported with this reason.
The GIFT export is checked by an independent parser, gift-pegjs (installed by
scripts/test-services.sh)."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from certprep.bank.loader import load_bank
from certprep.cli import main
from certprep.interop import tabular

from .conftest import ROOT

FIXTURES = Path(__file__).parent / "interop_fixtures"
GIFT_PEGJS = ROOT / ".cache" / "gift-pegjs" / "node_modules" / "gift-pegjs"


def run_import(content_dir: Path, fmt: str, source: Path, pack: str = "imported"):
    result = CliRunner().invoke(main, ["--content", str(content_dir), "import", "--format", fmt, "--pack", pack,
                                       str(source)])
    folder = content_dir / "packs" / pack
    items = load_bank(folder).items if folder.exists() else {}
    return result, items


def keyed(item) -> object:
    """What an item keys, in the words of its options: what a learner would have to choose."""
    if item.type == "single":
        return next(o.text for o in item.options if o.id == item.key)
    if item.type == "multiple":
        return sorted(o.text for o in item.options if o.id in item.key)
    if item.type == "matching":
        names = {s.id: s.text for s in item.sources}
        return {t.text: names[item.key[t.id]] for t in item.targets}
    if item.type == "dropdown":
        return [next(o.text for o in b.options if o.id == b.key) for b in item.blanks]
    if item.type == "build_list":
        steps = {s.id: s.text for s in item.steps}
        return [steps[k] for k in item.key]
    if item.type == "yes_no":
        return [s.key for s in item.statements]
    raise AssertionError(item.type)


def warnings_of(output: str) -> list[str]:
    return [line.removeprefix("Warning: ") for line in output.splitlines() if line.startswith("Warning: ")]


# ---- GIFT


def test_every_gift_question_type_is_imported_or_reported(content_dir):
    """Issue 16, points 1-3 and 8: one file of every GIFT type; the ones certprep can hold are
    imported (untitled ones named from the file and position, a lone true/false as a True/False
    item, HTML as Markdown), the others are reported with number, title, type and why."""
    source = FIXTURES / "every-type.gift"
    result, items = run_import(content_dir, "gift", source)
    assert result.exit_code == 0, result.output
    assert {i: (items[i].type, keyed(items[i])) for i in items} == {
        "capital-of-peru": ("single", "Lima"),
        "every-type-q2": ("single", "Pacific"),  # untitled: the file's name and the position
        "every-type-q3": ("single", "Atlantic"),  # missing word
        "andes-length": ("single", "True"),
        "titicaca-salt": ("single", "False"),
        "countries-and-capitals": ("matching", {"Chile": "Santiago", "Bolivia": "Sucre", "Ecuador": "Quito"}),
        "andean-countries": ("multiple", ["Chile", "Peru"]),
        "longest-river": ("single", "Amazon"),
        "set-notation": ("single", "{1, 2}"),
        "highest-capital": ("single", "La Paz"),
        "driest-desert": ("single", "Atacama"),
    }
    assert items["every-type-q3"].stem == "The Amazon flows into the _____ ocean."
    titicaca = {o.text: o.explanation for o in items["titicaca-salt"].options}
    assert titicaca == {"True": "No: it is a freshwater lake.", "False": "Right, it holds fresh water."}
    assert items["set-notation"].stem == "Which is the set {1, 2}? Mind = and ~ and # and a:b."
    assert items["highest-capital"].stem == "Which capital city is the **highest**?"
    assert items["highest-capital"].options[0].explanation == "About 3,600 m."
    assert all(i.status == "draft" and i.skills == ["unmapped"] for i in items.values())
    assert warnings_of(result.output) == [
        f'{source}:26: question 6 "Founder of Lima" (shortanswer): not imported: certprep has no type for a typed '
        "answer (its answers would become options, and the accepted answers would be given away)",
        f'{source}:36: question 8 "Border count" (numerical): not imported: certprep has no type for a typed number',
        f'{source}:39: question 9 "Machu Picchu decade" (numerical): not imported: certprep has no type for a typed '
        "number",
        f'{source}:42: question 10 "Aconcagua height" (numerical): not imported: certprep has no type for a typed '
        "number",
        f'{source}:48: question 11 "Describe Cusco" (essay): not imported: an essay is marked by hand; certprep has '
        "no free-text type",
        f'{source}:51: question 12 "About this quiz" (description): not imported: a description has no question to '
        "answer",
    ]
    assert "andean-countries: penalties not kept (C -100 %, D -100 %)" in result.output
    assert "longest-river: the general feedback (after ####) is not kept" in result.output
    assert "andes-length: a true/false question: imported as a single-answer item" in result.output
    assert f"11 items imported to {content_dir / 'packs' / 'imported'}; 6 questions not imported" in result.output


def test_gift_partial_credit_keys_only_full_marks(content_dir):
    """Point 4: only an answer worth 100 % (single) or answers with positive weights (multiple)
    are keys; a short answer with weights, two full-mark answers, a question no answer completes
    and a keyless question are reported."""
    source = FIXTURES / "partial-credit.gift"
    result, items = run_import(content_dir, "gift", source)
    assert result.exit_code == 0, result.output
    assert {i: (items[i].type, keyed(items[i])) for i in items} == {
        "weighted-single": ("single", "Best"), "unequal-weights": ("multiple", ["Big", "Small"])}
    assert items["unequal-weights"].choose == 2
    assert "weighted-single: partial credit not kept (B 50 %, C 25 %)" in result.output
    assert "unequal-weights: unequal weights (A 70 %, B 30 %): certprep gives a point per key" in result.output
    assert [w.split(": not imported: ")[0].split(": ", 1)[1] for w in warnings_of(result.output)] == [
        'question 2 "Weighted short answer" (shortanswer)', 'question 3 "Two full marks" (multichoice)',
        'question 4 "Half at most" (multichoice)', 'question 5 "No key" (multichoice)']
    reasons = [w.split(": not imported: ")[1] for w in warnings_of(result.output)]
    assert "2 answers are worth 100 % (A, B)" in reasons[1] and "worth less than 100 %" in reasons[2]
    assert reasons[3] == "no answer is marked right (none is worth more than 0 %)"


def test_broken_gift_reports_the_question_and_keeps_the_others(content_dir):
    """Points 5 and 6: an unclosed brace is an error for its own question and does not swallow the
    next; two questions without a blank line between them are reported, not merged; a repeated
    title is renamed, not overwritten."""
    source = FIXTURES / "broken.gift"
    result, items = run_import(content_dir, "gift", source)
    assert result.exit_code == 0, result.output
    assert {i: items[i].stem for i in items} == {
        "after-the-open-brace": "Which next?", "same-title": "First of two.", "same-title-2": "Second of two.",
        "last": "The last question."}
    assert warnings_of(result.output) == [
        f'{source}:4: question 1 "Open brace" (unreadable): not imported: the answers\' {{ is not closed by }} before '
        "the blank line that ends the question",
        f'{source}:8: question 3 "No blank line" (unreadable): not imported: two answer blocks {{…}} in one question: '
        "separate questions with a blank line",
        f'{source}:15: question 6 "Stray" (unreadable): not imported: a }} without an opening {{ (escape a literal '
        "brace as \\})",
    ]
    assert "same-title-2: the id 'same-title' is already used by an earlier question of this import" in result.output


def test_gift_export_passes_an_independent_parser(tmp_path):
    """Point 12: every GIFT file certprep exports parses with gift-pegjs, with one question per
    GIFT question we meant to write and the same keys; written and skipped items are counted apart."""
    if not (GIFT_PEGJS / "pegjs-gift.js").exists():
        pytest.fail(f"{GIFT_PEGJS} is missing: run scripts/test-services.sh (make test does)")
    out = tmp_path / "bank.gift"
    result = CliRunner().invoke(main, ["export", "--format", "gift", str(out)])
    assert result.exit_code == 0, result.output
    bank = [i for i in load_bank(ROOT / "content" / "items").items.values() if i.status == "live"]
    writable = [i for i in bank if i.type in ("single", "multiple", "matching", "yes_no", "problem_solution")]
    assert f"{len(writable)} items written to {out}; {len(bank) - len(writable)} skipped" in result.output
    parsed = subprocess.run(["node", str(Path(__file__).parent / "gift_parse.js"), str(GIFT_PEGJS), str(out)],
                            capture_output=True, text=True, timeout=120)
    assert parsed.returncode == 0, parsed.stderr[-2000:]
    questions = {q["title"]: q for q in json.loads(parsed.stdout) if q["type"] != "Category"}

    def text(value: str) -> str:  # gift-pegjs leaves its own escape codes in matching answers
        return " ".join(re.sub(r"&&(\d{3});", lambda m: chr(int(m.group(1))), value).split())

    expected: dict[str, object] = {}
    for item in writable:
        if item.type in ("single", "multiple"):
            keys = {item.key} if item.type == "single" else set(item.key)
            expected[item.id] = ("MC", [o.id in keys for o in item.options])
        elif item.type == "matching":
            names = {s.id: s.text for s in item.sources}
            expected[item.id] = ("Matching", [(text(t.text), text(names[item.key[t.id]])) for t in item.targets])
        else:
            for part in item.statements if item.type == "yes_no" else item.solutions:
                expected[f"{item.id}#{part.id}"] = ("TF", part.key)
    seen: dict[str, object] = {}
    for title, q in questions.items():
        if q["type"] == "MC":
            seen[title] = ("MC", [c["isCorrect"] or (c["weight"] or 0) > 0 for c in q["choices"]])
        elif q["type"] == "Matching":
            seen[title] = ("Matching", [(text(p["subquestion"]["text"]), text(p["subanswer"])) for p in q["matchPairs"]])
        else:
            seen[title] = (q["type"], q.get("isTrue"))
    assert len(questions) == sum(q["type"] != "Category" for q in json.loads(parsed.stdout))  # no title twice
    assert seen == expected


# ---- Moodle XML


def test_moodle_xml_core_types_are_imported_or_reported(content_dir):
    """Points 1, 3, 4, 6 and 8 for Moodle XML: the full-marks answer is the key wherever it stands,
    penalties and partial credit are reported, HTML becomes sanitised Markdown without [html]
    markers, attachments are reported, option text is trimmed, a repeated name is renamed."""
    source = FIXTURES / "core-types.xml"
    result, items = run_import(content_dir, "moodle-xml", source)
    assert result.exit_code == 0, result.output
    assert {i: (items[i].type, keyed(items[i])) for i in items} == {
        "noble-gas": ("single", "Argon"),  # 100 % after a 50 % answer
        "alkali-metals": ("multiple", ["Potassium", "Sodium"]),
        "water-formula": ("single", "False"),
        "element-symbols": ("matching", {"Iron": "Fe", "Lead": "Pb", "Tin": "Sn"}),
        "reaction-cloze": ("dropdown", ["carbon dioxide", "water"]),
        "states-of-matter": ("dropdown", ["solid", "gas"]),
        "acids-and-bases": ("dropdown", ["an acid", "a base"]),
        "flame-colour": ("single", "Lithium"),
        "metals": ("single", "Zinc"),
        "metals-2": ("single", "Sulfur"),
        "titration-steps": ("build_list", ["Rinse the burette", "Fill it with titrant",
                                           "Add titrant until the indicator turns"]),
    }
    assert [s.text for s in items["element-symbols"].sources] == ["Fe", "Pb", "Sn", "Ti"]  # Ti: a spare
    assert items["noble-gas"].stem == "Which element is a **noble gas**?"
    assert [o.text for o in items["noble-gas"].options] == ["Nitrogen", "Argon", "Chlorine"]
    assert items["flame-colour"].stem == "Which metal colours a flame *crimson*?"  # no script, no marker, no image
    assert items["reaction-cloze"].template == "Burning methane gives {{b1}} and {{b2}}."
    assert [o.text for o in items["acids-and-bases"].blanks[1].options] == ["a base", "a salt"]  # its group only
    water = {o.text: o.explanation for o in items["water-formula"].options}
    assert water == {"True": "No: H2O2 is hydrogen peroxide.", "False": "Right: water is H2O."}
    for note in ("noble-gas: partial credit not kept (A 50 %)", "alkali-metals: penalties not kept (C -100 %, D -100 %)",
                 "flame-colour: the image or file flame.png is not kept",
                 "metals-2: the id 'metals' is already used by an earlier question",
                 "acids-and-bases: drag and drop into text: imported as a drop-down per gap"):
        assert note in result.output
    assert [w.split(": not imported: ") for w in warnings_of(result.output)] == [
        [f'{source}:50: question 4 "Symbol of gold" (shortanswer)', "certprep has no type for a typed answer"],
        [f'{source}:58: question 5 "Atomic number of carbon" (numerical)', "certprep has no type for a typed number"],
        [f'{source}:65: question 6 "Explain bonding" (essay)', "an essay is marked by hand; certprep has no free-text type"],
        [f'{source}:83: question 8 "Periodic table intro" (description)', "a description has no question to answer"],
        [f'{source}:95: question 10 "Cloze with typed gap" (cloze)',
         "gaps of type SHORTANSWER: only MULTICHOICE gaps become drop-downs"],
        [f'{source}:132: question 14 "Which flask" (multichoice)',
         "option A is an image (flask-a.png): certprep options are text"],
        [f'{source}:156: question 17 "Half marks only" (multichoice)',
         "0 answers are worth 100 %: a single-answer item needs exactly one key"],
        [f'{source}:174: question 19 "Moles" (calculated)',
         "a calculated question draws random values; certprep has no such type"],
    ]


# ---- QTI 2.1


def qti_package(tmp_path: Path) -> Path:
    package = tmp_path / "fixtures.zip"
    with zipfile.ZipFile(package, "w") as zf:
        for f in sorted((FIXTURES / "qti21").rglob("*.xml")):
            zf.write(f, f.relative_to(FIXTURES / "qti21").as_posix())
    return package


def test_qti21_prompts_pairs_images_and_partial_credit(tmp_path, content_dir):
    """Point 7: the interaction's prompt is the stem (after any text before it); a target with two
    correct sources and options that are images are reported; an inline-choice stem holds no
    choices; a mapping's partial credit is reported and without a correct response the mapping keys."""
    package = qti_package(tmp_path)
    result, items = run_import(content_dir, "qti21", package)
    assert result.exit_code == 0, result.output
    assert {i: (items[i].type, keyed(items[i])) for i in items} == {
        "qti-prompt-only": ("single", "Nitrogen"),
        "qti-stem-and-prompt": ("multiple", ["Helium", "Hydrogen"]),
        "qti-match-shared-source": ("matching", {"Ice": "Solid", "Table salt": "Solid", "Steam": "Gas"}),
        "qti-inline-choice": ("dropdown", ["Fe", "8"]),
        "qti-mapping-only": ("multiple", ["Lemon juice", "Vinegar"]),
        "qti-order": ("build_list", ["Hydrogen", "Carbon", "Oxygen"]),
        "qti-metal": ("single", "Zinc"),
        "qti-metal-2": ("single", "Sulfur"),
    }
    assert items["qti-prompt-only"].stem == "Which gas makes up most of the air we breathe?"
    assert items["qti-stem-and-prompt"].stem == "The first row of the periodic table has two elements.\n\nWhich *two* are they?"
    assert items["qti-inline-choice"].stem == "Complete the sentence about iron."
    assert items["qti-inline-choice"].template == "The symbol of iron is {{symbol}} and it sits in group {{group}}."
    assert "qti-prompt-only: items/prompt-only.xml: partial credit not kept (B 50 %)" in result.output
    assert "qti-mapping-only: items/mapping-only.xml: the stem's image ph-scale.png is not kept" in result.output
    assert "qti-metal-2: the id 'qti-metal' is already used by an earlier question" in result.output
    assert warnings_of(result.output) == [
        f'{package}: items/match-two-sources.xml: question 3 "A target with two correct sources" (matchInteraction): '
        "not imported: the target Metals has 2 correct sources (Na, K): a certprep matching target takes one source",
        f'{package}: items/image-options.xml: question 5 "Options that are images" (choiceInteraction): not '
        "imported: choice A is an image (cyclohexane.png): certprep options are text",
        f'{package}: items/essay.xml: question 7 "Explain oxidation" (extendedTextInteraction): not imported: '
        "extendedTextInteraction has no certprep item type",
    ]


def test_qti21_fixtures_are_valid_qti(tmp_path):
    """The QTI fixtures are what the format allows: each item validates against the QTI 2.1 schema."""
    from lxml import etree

    from .conftest import shared_data

    schema = etree.XMLSchema(etree.parse(str(shared_data("..", "standards", "qti-xsd", "qtiv2p1", "imsqti_v2p1.xsd"))))
    for f in sorted((FIXTURES / "qti21" / "items").glob("*.xml")):
        assert schema.validate(etree.parse(str(f))), (f.name, schema.error_log.last_error)


# ---- every format


@pytest.mark.parametrize("fmt, name", [("gift", "quiz.gift"), ("json", "items.json"), ("csv", "items.csv")])
def test_a_file_that_is_not_utf8_gets_a_clear_error(tmp_path, content_dir, doc_bank, fmt, name):
    """Point 9: no traceback, but the file, the line and the encoding the bytes look like."""
    source = tmp_path / name
    items = list(doc_bank.items.values())
    text = {"gift": "::Café::Où se trouve le café le plus réputé de la région ? Une question à la française, "
                    "évidemment : déjà vue ? {=À côté ~Très loin ~Nulle part}\n",
            "json": tabular.items_to_json(items).replace("Document Intelligence", "Document Intelligénce"),
            "csv": tabular.items_to_csv(items).replace("Document Intelligence", "Document Intelligénce")}[fmt]
    source.write_bytes(text.encode("cp1252"))
    result = CliRunner().invoke(main, ["--content", str(content_dir), "import", "--format", fmt, "--pack", "p",
                                       str(source)])
    assert result.exit_code == 1
    line = text[:text.index("é")].count("\n") + 1
    assert f"Error: {source}:{line}: the file is not UTF-8 (byte 0xe9 cannot be read); it looks like" in result.output
    found = result.output.split("it looks like ")[1].split(".")[0]
    assert found in ("CP1252", "ISO8859-1", "CP1250", "ISO8859-15", "MAC-ROMAN", "CP850"), found
    assert "Save it as UTF-8" in result.output and "Traceback" not in result.output
    assert not (content_dir / "packs" / "p").exists()


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path, content_dir):
    """Point 10: the limit is checked on the bytes, before any parsing (the parse time itself is
    measured by benchmarks/import_size.py)."""
    from certprep.interop.importing import MAX_BYTES

    big = tmp_path / "big.gift"
    with big.open("w") as f:
        f.write("::q:: text that never closes {=a ~b\n" * (MAX_BYTES // 36 + 10))
    for fmt in ("gift", "moodle-xml", "json", "csv", "qti21"):
        result = CliRunner().invoke(main, ["--content", str(content_dir), "import", "--format", fmt, "--pack", "p",
                                           str(big)])
        assert result.exit_code == 1, (fmt, result.output)
        assert f"Error: {big}: the " in result.output and "larger than the import limit of 8 MB" in result.output


@pytest.mark.parametrize("pack", ["../../outside", "/tmp/abs", "a/b", "..", ".hidden", "x" * 65])
def test_the_pack_is_a_plain_name(tmp_path, content_dir, pack):
    """Point 11: --pack cannot point outside content/packs."""
    source = FIXTURES / "partial-credit.gift"
    before = set(tmp_path.rglob("*"))
    result = CliRunner().invoke(main, ["--content", str(content_dir), "import", "--format", "gift", "--pack", pack,
                                       str(source)])
    assert result.exit_code == 2 and "is not a plain name" in result.output
    assert set(tmp_path.rglob("*")) == before  # nothing written anywhere


def test_duplicate_ids_in_a_json_import_are_renamed_not_overwritten(tmp_path, content_dir, doc_bank):
    """Point 6 for our own formats: two items with one id in one file both arrive."""
    item = doc_bank.items["docintel-invoice-prebuilt"].model_dump(mode="json")
    other = {**item, "stem": "A second question that happens to share the id."}
    source = tmp_path / "two.json"
    source.write_text(json.dumps([item, other]))
    result, items = run_import(content_dir, "json", source)
    assert result.exit_code == 0, result.output
    assert sorted(items) == ["docintel-invoice-prebuilt", "docintel-invoice-prebuilt-2"]
    assert items["docintel-invoice-prebuilt-2"].stem == other["stem"]
    assert "renamed 'docintel-invoice-prebuilt-2'" in result.output and "2 items imported" in result.output


def test_a_file_with_nothing_importable_is_an_error_that_lists_why(tmp_path, content_dir):
    source = tmp_path / "essays.gift"
    source.write_text("::One::Write about lakes. {}\n\n::Two::And rivers? {}\n")
    result, items = run_import(content_dir, "gift", source)
    assert result.exit_code == 1 and items == {}
    assert len(warnings_of(result.output)) == 2
    assert f"Error: {source}: nothing imported: none of its 2 questions can be imported (listed above)" in result.output
    source.write_text("// only a comment\n")
    result, _ = run_import(content_dir, "gift", source)
    assert result.exit_code == 1 and f"Error: {source}: nothing imported: it holds no questions" in result.output
