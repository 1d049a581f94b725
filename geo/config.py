"""frontmap's settings, read from the environment here and nowhere else.

- FRONTMAP_DATA: the data folder (gazetteer index, imported dumps, geocoder cache, the default store);
  default ~/.local/share/frontmap.
- FRONTMAP_DB: the store, a SQLite path or a SQLAlchemy URL; default frontmap.sqlite in the data folder.
- FRONTMAP_ACTORS: an extra actor lexicon (YAML); default actors.yaml in the data folder, if present.
- FRONTMAP_SAMPLES: "0" keeps an empty store empty; otherwise the dashboard loads the sample articles.
- FRONTMAP_REFRESH: how often (seconds) an open dashboard page checks whether the store changed under it (an
  ingest, pin, edit or delete elsewhere) and redraws if so; default 10, 0 never.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    db_url: str
    actors_path: Path | None
    load_samples: bool
    refresh_seconds: float = 10.0

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data = Path(env.get("FRONTMAP_DATA") or Path.home() / ".local" / "share" / "frontmap")
        db = env.get("FRONTMAP_DB", "")
        if "://" not in db:
            db = f"sqlite:///{db or data / 'frontmap.sqlite'}"
        user_actors = data / "actors.yaml"
        actors = Path(env["FRONTMAP_ACTORS"]) if env.get("FRONTMAP_ACTORS") else (
            user_actors if user_actors.exists() else None)
        return cls(data_dir=data, db_url=db, actors_path=actors, load_samples=env.get("FRONTMAP_SAMPLES", "1") != "0",
                   refresh_seconds=_seconds(env.get("FRONTMAP_REFRESH", ""), 10.0))


def _seconds(text: str, default: float) -> float:
    """A number of seconds from the environment: the default when unset or unreadable, never negative."""
    try:
        value = float(text) if text.strip() else default
    except ValueError:
        return default
    return max(0.0, value) if value == value else default


def settings() -> Settings:
    """The settings now (read on each call: cheap, and a test or a caller may change the environment)."""
    return Settings.from_env()


def data_dir() -> Path:
    path = settings().data_dir
    path.mkdir(parents=True, exist_ok=True)
    return path
