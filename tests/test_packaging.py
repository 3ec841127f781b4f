"""certprep installs the way Python tools install: the wheel `python -m build` makes goes into an
empty venv outside the checkout, with its run-time dependencies from the registry, and runs there
with the bundled bank (exams, items, services, career) and the web app's templates and static files.

One build and one install serve the whole module (about a minute, most of it pip)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import venv
import zipfile
from pathlib import Path

import httpx2 as httpx
import pytest

import certprep
from benchmarks.web_load import free_port

pytestmark = pytest.mark.packaging
ROOT = Path(__file__).resolve().parent.parent
TEST_ONLY = ("torch", "pytest", "playwright", "anki", "httpx2", "psycopg", "build", "catsim")


def run(cmd: list, **kw) -> str:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


class Installed:
    def __init__(self, root: Path) -> None:
        self.root, self.bin = root, root / "venv" / "bin"
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("CERTPREP_")}
        self.env["CERTPREP_DATABASE_URL"] = f"sqlite:///{root / 'certprep.db'}"

    def certprep(self, *args) -> str:
        """The installed command, run from outside the checkout."""
        return run([self.bin / "certprep", *args], cwd=self.root, env=self.env)

    def checkout(self, *args) -> str:
        """The same command from this checkout's source, on a database of its own."""
        env = {**self.env, "PYTHONPATH": str(ROOT / "src"),
               "CERTPREP_DATABASE_URL": f"sqlite:///{self.root / 'checkout.db'}"}
        return run([sys.executable, "-m", "certprep", *args], cwd=ROOT, env=env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", dist, ROOT])  # sdist, then the wheel from the sdist
    (found,) = dist.glob("certprep-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Installed:
    root = tmp_path_factory.mktemp("installed")
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    run([root / "venv" / "bin" / "python", "-m", "pip", "install", "-q", wheel])
    return Installed(root)


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_the_wheel_holds_the_bank_templates_and_static_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for inside, source in (("certprep/_content", ROOT / "content"),
                           ("certprep/web/templates", ROOT / "src/certprep/web/templates"),
                           ("certprep/web/static", ROOT / "src/certprep/web/static")):
        missing = {f"{inside}/{name}" for name in files_under(source)} - names
        assert not missing, f"not in {wheel.name}: {sorted(missing)[:10]}"
    assert not [n for n in names if n.startswith("tests/")]


def test_installed_into_an_empty_venv_it_holds_no_test_only_package(installed):
    where = run([installed.bin / "python", "-c", "import certprep; print(certprep.__file__)"],
                cwd=installed.root, env=installed.env)
    assert Path(where.strip()).is_relative_to(installed.root / "venv")
    listed = json.loads(run([installed.bin / "python", "-m", "pip", "list", "--format", "json"], env=installed.env))
    names = {d["name"].lower() for d in listed}
    assert {"fastapi", "numpy", "fsrs"} <= names
    assert not names & set(TEST_ONLY)


def test_version_comes_from_the_package_metadata(installed):
    assert installed.certprep("--version").strip() == f"certprep, version {certprep.__version__}"


def test_exams_and_services_come_from_the_bundled_bank(installed):
    exams = installed.certprep("exams")
    assert "AI-102: Designing and Implementing a Microsoft Azure AI Solution" in exams and "AI-103: " in exams
    assert exams == installed.checkout("exams")
    service = installed.certprep("services", "Form Recognizer")
    assert "Formerly: Form Recognizer" in service and service == installed.checkout("services", "Form Recognizer")


def test_a_diagnostic_from_an_answers_file_scores_as_the_checkout_does(installed):
    form = json.loads(installed.certprep("diagnostic", "--exam", "ai-103", "--print-form"))
    single = [q for s in form["sections"] for q in s["questions"] if q["type"] == "single"]
    assert single
    answers = installed.root / "answers.json"
    answers.write_text(json.dumps({"answers": {q["key"]: q["options"][0]["id"] for q in single}}))
    args = ("diagnostic", "--exam", "ai-103", "--answers", answers, "--format", "json")
    report = json.loads(installed.certprep(*args))
    expected = json.loads(installed.checkout(*args))  # the checkout's own bank: the wheel bundles it whole
    assert report["max_points"] == expected["max_points"] > len(single)
    assert (report["points"], report["scaled_score"], report["domains"]) == \
           (expected["points"], expected["scaled_score"], expected["domains"])


def test_serve_answers_the_home_page_with_its_static_files(installed):
    port, log = free_port(), installed.root / "serve.log"
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        server = subprocess.Popen([installed.bin / "certprep", "serve", "--port", str(port)], cwd=installed.root,
                                  env=installed.env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                home = httpx.get(f"{base}/", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, f"certprep serve exited {server.returncode}: {log.read_text()}"
                assert time.monotonic() < deadline, "certprep serve did not answer within 60 s"
                time.sleep(0.2)
        assert home.status_code == 200 and "AI-103" in home.text
        for path in ("/static/app.css", "/static/app.js", "/static/vendor/htmx-2.0.11.min.js"):
            assert f'"{path}"' in home.text
            got = httpx.get(base + path, timeout=5)
            assert got.status_code == 200
            assert got.content == (ROOT / "src/certprep/web" / path.lstrip("/")).read_bytes()
        career = httpx.get(f"{base}/career", timeout=5)
        assert career.status_code == 200 and "AI-103" in career.text
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_make_run_installs_without_the_test_extras_and_make_test_adds_them(tmp_path):
    venv_dir = tmp_path / ".venv"  # a venv that does not exist yet: make shows every step of a fresh machine
    # Not the flags of the `make test` that may be running this test.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    planned = {target: [line.rstrip() for line in run(["make", "-n", target, f"VENV={venv_dir}"], cwd=ROOT,
                                                          env=env).splitlines()]
               for target in ("run", "test")}
    pip = f"{venv_dir}/bin/python -m pip install -q --no-compile -e"
    assert [line for line in planned["run"] if line.startswith(pip)] == [f"{pip} ."]
    assert [line for line in planned["test"] if line.startswith(pip)] == [f"{pip} '.[test]'"]
    assert planned["run"][-1] == f"{venv_dir}/bin/certprep serve"
