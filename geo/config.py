"""frontmap's settings, read from the environment here and nowhere else.

- FRONTMAP_DATA: the data folder (gazetteer index, imported dumps, geocoder cache, the default store);
  default ~/.local/share/frontmap.
- FRONTMAP_DB: the store, a SQLite path or a SQLAlchemy URL; default frontmap.sqlite in the data folder.
- FRONTMAP_ACTORS: an extra actor lexicon (YAML); default actors.yaml in the data folder, if present.
- FRONTMAP_SAMPLES: "0" keeps an empty store empty; otherwise the dashboard loads the sample articles.
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
        return cls(data_dir=data, db_url=db, actors_path=actors, load_samples=env.get("FRONTMAP_SAMPLES", "1") != "0")


def settings() -> Settings:
    """The settings now (read on each call: cheap, and a test or a caller may change the environment)."""
    return Settings.from_env()


def data_dir() -> Path:
    path = settings().data_dir
    path.mkdir(parents=True, exist_ok=True)
    return path
