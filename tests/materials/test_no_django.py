"""The engines are plain Python: importing them (and using them) loads no Django module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_engines_import_no_django():
    code = (
        "import sys\n"
        "from citybridge.materials import deck, tm, glossary, qa\n"
        "glossary.load_seed(); glossary.write_csv(glossary.load_seed().terms)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src")}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
