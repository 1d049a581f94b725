"""Where frontmap keeps its files: one setting, FRONTMAP_DATA, for the data folder."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    path = Path(os.environ.get("FRONTMAP_DATA") or Path.home() / ".local" / "share" / "frontmap")
    path.mkdir(parents=True, exist_ok=True)
    return path
