"""Open formats: an Anki deck checked by the official `anki` package (a re-import after an edit
updates in place), JSON and CSV that read back with every field equal, clear import errors,
history exports, and a backup that restores losslessly into SQLite or PostgreSQL."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from certprep.bank.loader import load_bank
from certprep.cli import main
from certprep.engine.forms import Form, Section
from certprep.interop import tabular
from certprep.interop.anki import export_apkg
from certprep.interop.backup import backup, read_backup, restore, write_backup
from certprep.store.db import Store

from .conftest import CONTENT, fresh_database


def anki_notes(apkg, collection_path):
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = Collection(str(collection_path))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions()))
        return {n["ItemId"]: (dict(n.items()), sorted(n.tags)) for n in (col.get_note(i) for i in col.find_notes(""))}
    finally:
        col.close()


def test_anki_deck_imports_into_anki_and_updates_in_place(tmp_path, doc_bank, exams):
    items = list(doc_bank.items.values())
    export_apkg(items, exams, tmp_path / "deck.apkg")
    notes = anki_notes(tmp_path / "deck.apkg", tmp_path / "col.anki2")
    assert set(notes) == {i.id for i in items}
    fields, tags = notes["docintel-invoice-prebuilt"]
    assert "Which Document Intelligence model" in fields["Question"] and "prebuilt-invoice" in fields["Answer"]
    assert "InvoiceTotal" in fields["Explanations"] and "learn.microsoft.com" in fields["Refs"]
    assert {"certprep::exam::ai-102", "certprep::exam::ai-103", "certprep::domain::ai102.6",
            "certprep::skill::ai102.6.2.2"} <= set(tags)
    # The author edits an item; the learner imports the new export into the same collection.
    data = doc_bank.items["docintel-invoice-prebuilt"].model_dump(mode="json")
    data["stem"] = "EDITED: which model extracts invoice fields?"
    edited = [i if i.id != data["id"] else type(i).model_validate(data) for i in items]
    time.sleep(1.1)  # Anki keeps the newer of two versions of a note, by modification second
    export_apkg(edited, exams, tmp_path / "deck2.apkg")
    again = anki_notes(tmp_path / "deck2.apkg", tmp_path / "col.anki2")
    assert len(again) == len(items)  # updated, not duplicated
    assert "EDITED" in again["docintel-invoice-prebuilt"][0]["Question"]


@pytest.mark.parametrize("write, read", [(tabular.items_to_json, tabular.items_from_json),
                                         (tabular.items_to_csv, tabular.items_from_csv)])
def test_the_whole_bank_reads_back_equal(write, read):
    items = list(load_bank(CONTENT / "items").items.values())
    back = read(write(items), "export")
    assert [i.content_hash() for i in back] == [i.content_hash() for i in items]


def test_imports_go_to_a_pack_and_bad_files_name_the_place(tmp_path, content_dir, doc_bank):
    source = tmp_path / "items.csv"
    source.write_text(tabular.items_to_csv(list(doc_bank.items.values())))
    result = CliRunner().invoke(main, ["--content", str(content_dir), "import", "--format", "csv", "--pack", "partner",
                                       str(source)])
    assert result.exit_code == 0 and "8 items imported" in result.output and "0 lint findings" in result.output
    assert len(list((content_dir / "packs" / "partner").glob("*.yaml"))) == 8
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "x", "type": "single"},')
    result = CliRunner().invoke(main, ["--content", str(content_dir), "import", "--format", "json", "--pack", "p",
                                       str(bad)])
    assert result.exit_code == 1 and f"{bad}:1: not valid JSON" in result.output
    bad.write_text('[{"id": "x-y", "type": "hotspot", "stem": "s"}]')
    result = CliRunner().invoke(main, ["--content", str(content_dir), "import", "--format", "json", "--pack", "p",
                                       str(bad)])
    assert result.exit_code == 1 and "item 1" in result.output and "hotspot" in result.output


def progress(attempts, doc_bank):
    form = Form("ai-102", "practice", [Section("questions", "Q", ["docintel-invoice-prebuilt",
                                                                "search-filter-sort-attributes"]),
                                       Section("problem_solution", "P", ["keyless-app-access-ps/mi"], revisit=False)],
                1, "t")
    first = attempts.start(form, doc_bank)
    attempts.answer(first, "docintel-invoice-prebuilt", "B", confidence="high")
    attempts.flag(first, "search-filter-sort-attributes")
    attempts.submit(first)
    second = attempts.start(form, doc_bank)
    attempts.answer(second, "search-filter-sort-attributes", ["A", "B"])
    return first, second


def test_backup_restores_losslessly_into_postgresql(request, tmp_path, attempts, doc_bank, exams):
    progress(attempts, doc_bank)
    saved = write_backup(attempts.store, "local", tmp_path / "progress.certprep")
    assert len(saved["attempts"]) == 2 and saved["review_cards"] and saved["review_events"]
    target = Store(fresh_database(request, "postgresql", tmp_path))
    try:
        assert restore(target, "local", read_backup(tmp_path / "progress.certprep")) == 2
        assert backup(target, "local") == saved  # every field, ids included, equal
        from certprep.engine.attempts import Attempts

        moved = Attempts(target, exams)
        assert moved.get(1).question("docintel-invoice-prebuilt").response == "B"
        new = moved.start(Form.from_dict(moved.get(2).form.to_dict()), doc_bank)
        assert new == 3  # the id sequence continues after the restored attempts
    finally:
        target.close()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bad = tmp_path / "x.certprep"
    bad.write_text("hello")
    from certprep.errors import CertprepError

    with pytest.raises(CertprepError, match="not a certprep backup"):
        read_backup(bad)


def test_history_exports(tmp_path, attempts, doc_bank):
    progress(attempts, doc_bank)
    rows = tabular.history_rows(attempts.list())
    assert {r["attempt"] for r in rows} == {1, 2} and any(r["flagged"] for r in rows)
    csv_text = tabular.history_to_csv(attempts.list())
    assert csv_text.splitlines()[0].startswith("attempt,exam,mode,status") and len(csv_text.splitlines()) == 7
    assert json.loads(json.dumps(rows)) == rows


def test_qti21_package_validates_against_the_schemas(tmp_path):
    import zipfile

    from lxml import etree

    from .conftest import shared_file

    items = list(load_bank(CONTENT / "items").items.values())
    out = tmp_path / "bank.zip"
    result = CliRunner().invoke(main, ["export", "--format", "qti21", str(out)])
    assert result.exit_code == 0, result.output
    assert "build list: QTI scores it all or nothing" in result.output  # reported, not silently changed
    assert "case study: one item per question" in result.output
    xsd = ("standards", "qti-xsd")  # no package on PyPI or npm ships the QTI 2.1 schemas
    item_schema = etree.XMLSchema(etree.parse(str(shared_file(*xsd, "qtiv2p1", "imsqti_v2p1.xsd"))))
    cp_schema = etree.XMLSchema(etree.parse(str(shared_file(*xsd, "imscp_v1p1.xsd"))))
    with zipfile.ZipFile(out) as zf:
        manifest = etree.fromstring(zf.read("imsmanifest.xml"))
        cp_schema.assertValid(manifest)
        hrefs = [r.get("href") for r in manifest.iter("{http://www.imsglobal.org/xsd/imscp_v1p1}resource")]
        live = [i for i in items if i.status == "live"]
        assert len(hrefs) == sum(len(i.parts()) for i in live)
        for href in hrefs:
            doc = etree.fromstring(zf.read(href))
            assert item_schema.validate(doc), (href, item_schema.error_log.last_error)


def test_qti21_items_keep_keys_and_explanations(tmp_path, doc_bank):
    import zipfile

    from lxml import etree

    from certprep.interop.qti import export_package

    report = export_package(list(doc_bank.items.values()), tmp_path / "docs.zip")
    assert set(report.notes) == {"keys-rotation-order", "keyless-app-access-ps", "case-contoso-claims"}
    ns = {"q": "http://www.imsglobal.org/xsd/imsqti_v2p1"}
    with zipfile.ZipFile(tmp_path / "docs.zip") as zf:
        single = etree.fromstring(zf.read("items/docintel-invoice-prebuilt.xml"))
        matching = etree.fromstring(zf.read("items/language-feature-matching.xml"))
        dropdown = etree.fromstring(zf.read("items/openai-keyless-client.xml"))
    assert single.xpath("string(//q:correctResponse/q:value)", namespaces=ns) == "A"
    assert len(single.xpath("//q:modalFeedback", namespaces=ns)) == 4
    pairs = set(matching.xpath("//q:correctResponse/q:value/text()", namespaces=ns))
    assert pairs == {"s_pii t_t1", "s_language t_t2", "s_sentiment t_t3"}
    assert len(dropdown.xpath("//q:inlineChoiceInteraction", namespaces=ns)) == 3
    assert dropdown.xpath("string(//q:outcomeDeclaration[@identifier='MAXSCORE']//q:value)", namespaces=ns) == "3"


def test_our_qti_package_reads_back_exactly(tmp_path, content_dir, doc_bank):
    from certprep.interop.qti import export_package
    from certprep.interop.qti_import import read_package

    items = list(doc_bank.items.values())
    export_package(items, tmp_path / "ours.zip")
    back, report = read_package(tmp_path / "ours.zip")
    assert [i.content_hash() for i in back] == [i.content_hash() for i in items]
    assert report.notes == {} and report.skipped == []
    result = CliRunner().invoke(main, ["--content", str(content_dir), "import", "--format", "qti21", "--pack", "q",
                                       str(tmp_path / "ours.zip")])
    assert result.exit_code == 0 and "8 items imported" in result.output and "0 lint findings" in result.output


def test_a_foreign_qti_package_is_read_from_its_interactions(tmp_path, doc_bank):
    import zipfile

    from lxml import etree

    from certprep.interop.qti import export_package
    from certprep.interop.qti_import import read_package

    export_package(list(doc_bank.items.values()), tmp_path / "ours.zip")
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(tmp_path / "ours.zip") as src, zipfile.ZipFile(foreign, "w") as out:
        manifest = etree.fromstring(src.read("imsmanifest.xml"))
        for md in list(manifest.iter("{http://www.imsglobal.org/xsd/imscp_v1p1}metadata")):
            md.getparent().remove(md)  # another tool knows nothing of certprep's metadata
        resources = manifest.find("{http://www.imsglobal.org/xsd/imscp_v1p1}resources")
        etree.SubElement(resources, "{http://www.imsglobal.org/xsd/imscp_v1p1}resource",
                         {"identifier": "r-essay", "type": "imsqti_item_xmlv2p1", "href": "items/essay.xml"})
        for name in src.namelist():
            out.writestr(name, etree.tostring(manifest) if name == "imsmanifest.xml" else src.read(name))
        out.writestr("items/essay.xml", (
            '<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="essay" title="Essay" '
            'adaptive="false" timeDependent="false"><responseDeclaration identifier="RESPONSE" cardinality="single" '
            'baseType="string"/><itemBody><p>Explain RAG.</p><extendedTextInteraction responseIdentifier="RESPONSE"/>'
            '</itemBody></assessmentItem>'))
    items, report = read_package(foreign)
    by_id = {i.id: i for i in items}
    single = by_id["qti-docintel-invoice-prebuilt"]
    assert single.type == "single" and single.key == "A" and single.status == "draft" and single.skills == ["unmapped"]
    assert single.options[0].explanation.startswith("Correct. The prebuilt invoice model")
    assert by_id["qti-language-feature-matching"].key == {"t_t1": "s_pii", "t_t2": "s_language", "t_t3": "s_sentiment"}
    assert [s.key for s in by_id["qti-keys-and-rotation-statements"].statements] == [True, False, True]
    assert by_id["qti-keys-rotation-order"].key == ["s1", "s2", "s3", "s4"]
    dropdown = by_id["qti-openai-keyless-client"]
    assert [b.key for b in dropdown.blanks] == ["ai", "v1", "deployment"] and "{{scope}}" in dropdown.template
    assert [(s.title, s.why) for s in report.skipped] == [("Essay", "extendedTextInteraction has no certprep item type")]
    assert "qti-essay" not in by_id


def test_a_broken_qti_package_names_the_file(tmp_path):
    from certprep.interop.qti_import import read_package
    from certprep.interop.tabular import FormatError

    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip")
    with pytest.raises(FormatError, match="bad.zip: not a QTI content package"):
        read_package(bad)


def test_gift_round_trip_foreign_reading_and_reports(tmp_path, content_dir, doc_bank, exams):
    from certprep.interop.gift import export_gift, import_gift

    items = list(doc_bank.items.values())
    text, report = export_gift(items, exams)
    assert "$CATEGORY: certprep/ai102.6" in text
    assert any("GIFT has no build list" in n for n in report.notes["keys-rotation-order"])
    assert any("GIFT has no dropdown" in n for n in report.notes["openai-keyless-client"])
    back, _ = import_gift(text, "ours.gift")
    assert sorted(i.content_hash() for i in back) == sorted(i.content_hash() for i in items)
    foreign = "\n".join(line for line in text.splitlines() if not line.startswith("// certprep-item"))
    read, notes = import_gift(foreign, "moodle.gift")
    by_id = {i.id: i for i in read}
    assert by_id["docintel-invoice-prebuilt"].key == "A" and by_id["docintel-invoice-prebuilt"].status == "draft"
    assert by_id["search-filter-sort-attributes"].key == ["A", "B"]
    assert [s.key for s in by_id["keys-and-rotation-statements"].statements] == [True, False, True]
    assert [s.key for s in by_id["keyless-app-access-ps"].statements] == [True, False, False]
    assert {t.text: next(s.text for s in by_id["language-feature-matching"].sources
                        if s.id == by_id["language-feature-matching"].key[t.id])
            for t in by_id["language-feature-matching"].targets}["Route reviews written in French to the Paris office."] \
        == "Language detection"
    tricky = import_gift("::odd:: Pick \\{a\\}\\: x\\=1 \\~y? {=right \\{brace\\}#fine ~wrong \\= sign#no}", "odd.gift")[0][0]
    assert tricky.stem == "Pick {a}: x=1 ~y?"
    assert tricky.options[0].text == "right {brace}" and tricky.options[1].text == "wrong = sign"
    assert tricky.options[0].explanation == "fine" and tricky.key == "A"
    unkeyed, unkeyed_report = import_gift("::q:: Which? {~a ~b}", "unkeyed.gift")
    assert unkeyed == [] and "no answer is marked right" in str(unkeyed_report.skipped[0])
    out = tmp_path / "bank.gift"
    result = CliRunner().invoke(main, ["--content", str(content_dir), "export", "--format", "gift", str(out)])
    assert result.exit_code == 0 and "GIFT has no case study" in result.output
    result = CliRunner().invoke(main, ["--content", str(content_dir), "import", "--format", "gift", "--pack", "g", str(out)])
    assert result.exit_code == 0 and "8 items imported" in result.output


def test_moodle_xml_round_trip_cloze_ordering_and_reports(tmp_path, content_dir, doc_bank, exams):
    import re

    from lxml import etree

    from certprep.interop.moodle_xml import export_moodle_xml, import_moodle_xml

    items = list(doc_bank.items.values())
    data, report = export_moodle_xml(items, exams)
    quiz = etree.fromstring(data)
    types = [q.get("type") for q in quiz.iterfind("question")]
    assert {"category", "multichoice", "matching", "truefalse", "cloze", "ordering"} <= set(types)
    assert "skipped: Moodle has no case study type" in report.notes["case-contoso-claims"][0]
    cloze = next(q for q in quiz.iterfind("question") if q.get("type") == "cloze")
    assert cloze.findtext("questiontext/text").count("{1:MULTICHOICE:") == 3
    back, _ = import_moodle_xml(data, "ours.xml")
    assert sorted(i.content_hash() for i in back) == sorted(i.content_hash() for i in items if i.type != "case_study")
    foreign = re.sub(rb"<!-- certprep-item:[^>]*-->", b"", data)
    read, notes = import_moodle_xml(foreign, "moodle.xml")
    by_id = {i.id: i for i in read}
    dropdown = by_id["openai-keyless-client"]
    assert [next(o.text for o in b.options if o.id == b.key) for b in dropdown.blanks] == [
        "https://ai.azure.com/.default", "https://contoso-ai.openai.azure.com/openai/v1/", "the name of your model deployment"]
    assert by_id["keys-rotation-order"].type == "build_list" and len(by_id["keys-rotation-order"].key) == 4
    assert by_id["search-filter-sort-attributes"].key == ["A", "B"]
    assert [s.key for s in by_id["keys-and-rotation-statements"].statements] == [True, False, True]
    from certprep.interop.tabular import FormatError

    with pytest.raises(FormatError, match="broken.xml:1: not well-formed XML"):
        import_moodle_xml(b"<quiz><question>", "broken.xml")
    out = tmp_path / "bank.xml"
    result = CliRunner().invoke(main, ["--content", str(content_dir), "export", "--format", "moodle-xml", str(out)])
    assert result.exit_code == 0 and "spare steps dropped: s5" in result.output
    result = CliRunner().invoke(main, ["--content", str(content_dir), "import", "--format", "moodle-xml", "--pack", "m",
                                       str(out)])
    assert result.exit_code == 0 and "7 items imported" in result.output
