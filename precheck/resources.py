"""Where the shipped data lives.

`checks/` and `reports/` sit at the top of a source checkout, and under `precheck/_data/` in a
wheel or a PyInstaller bundle (pyproject.toml and pyinstaller.spec map them there), so an
installed precheck works from any directory.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """Return the shipped data folder `name` ("checks" or "reports")."""
    for candidate in (_HERE / "_data" / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"precheck data folder {name!r} is missing from this installation")
