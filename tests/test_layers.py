"""The package's shape, as a newcomer reads it, holds in the code. Layers, lowest first; a module
may import from its own package and from lower layers only (lazy imports inside functions count):

    0  errors, markup                      what everything may use
    1  store, bank                         persistence; the item bank and its content
    2  engine                              forms, attempts, scoring
    3  learn, interop, answers, accounts,  what is built on attempts: learning science, open
       terminal                            formats, answers files, accounts, the terminal UI
    4  cli, web                            the adapters (never each other)
    5  __main__                            `python -m certprep`

No two modules import each other, directly or around a longer circle, and no module is over 600
lines.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "certprep"
LAYERS = {"errors": 0, "markup": 0, "store": 1, "bank": 1, "engine": 2, "learn": 3, "interop": 3, "answers": 3,
          "accounts": 3, "terminal": 3, "cli": 4, "web": 4, "__main__": 5}


def modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = ("certprep", *path.relative_to(SRC).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Every certprep module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("certprep"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("certprep")}
    return found & set(known)


def graph() -> dict[str, set[str]]:
    """Module -> the modules it imports."""
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def area(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "certprep"


def test_every_module_belongs_to_a_layer():
    assert {area(m) for m in modules()} - {"certprep"} == set(LAYERS)


def test_imports_run_down_the_layers():
    upward = [f"{a} imports {b}" for a, targets in graph().items() for b in sorted(targets)
              if area(a) != "certprep" and area(b) != area(a) and LAYERS[area(b)] >= LAYERS[area(a)]]
    assert upward == []


def test_there_is_no_import_circle():
    try:
        tuple(TopologicalSorter(graph()).static_order())
    except CycleError as exc:
        pytest.fail(f"import circle: {' -> '.join(exc.args[1])}")


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_is_over_600_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 600
