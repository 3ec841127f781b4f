"""scripts/blind_sheet.py: what a blind reviewer is handed holds no key, explanation or id."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import CONTENT

SCRIPT = Path(__file__).parents[1] / "scripts" / "blind_sheet.py"


def test_the_sheet_hides_keys_explanations_and_ids(tmp_path):
    files = [CONTENT / "items" / "agents" / "agent-core-components.yaml",
             CONTENT / "items" / "planning" / "plan-ptu-spillover-ps.yaml"]
    out = subprocess.run([sys.executable, str(SCRIPT), *map(str, files), "--map", str(tmp_path / "m.json")],
                         capture_output=True, text=True, check=True).stdout
    assert "## Item 1" in out and "## Item 2" in out
    assert "Which three components should you name?" in out  # the question itself is there
    for hidden in ("key:", "explanation", "Correct.", "verified", "learn.microsoft.com", "agent-core-components"):
        assert hidden not in out, hidden
    assert json.loads((tmp_path / "m.json").read_text()) == {"1": "agent-core-components", "2": "plan-ptu-spillover-ps"}
