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
