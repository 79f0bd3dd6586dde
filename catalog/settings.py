"""One settings object, read lazily: importing the package never reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

DATABASE_URL_VARIABLE = "MODEL_CATALOG_DATABASE_URL"
# Read by the API (catalog.api.settings); set by `model-catalog serve` for its workers.
RELOAD_SECONDS_VARIABLE = "MODEL_CATALOG_RELOAD_SECONDS"
CORS_ORIGINS_VARIABLE = "MODEL_CATALOG_CORS_ORIGINS"
MAX_BODY_VARIABLE = "MODEL_CATALOG_MAX_BODY_BYTES"
ACCESS_LOG_VARIABLE = "MODEL_CATALOG_ACCESS_LOG"  # 1: the API logs each request (serve sets it)
CACHE_ENTRIES_VARIABLE = "MODEL_CATALOG_RESPONSE_CACHE_ENTRIES"  # 0 turns the cache off
FRONT_CACHE_VARIABLE = "MODEL_CATALOG_FRONT_CACHE"  # 0: every request goes through routing


@dataclass(frozen=True)
class Settings:
    database_url: str
    embedded: bool  # the default SQLite file, which the catalog creates, migrates and seeds itself


def embedded_database_path() -> Path:
    return Path(user_data_dir("model-catalog", appauthor=False)) / "catalog.sqlite3"


def load_settings(url: str | None = None) -> Settings:
    """An explicit URL wins, then `MODEL_CATALOG_DATABASE_URL`, then the embedded SQLite file."""
    chosen = url or os.environ.get(DATABASE_URL_VARIABLE) or None
    if chosen:
        return Settings(database_url=chosen, embedded=False)
    return Settings(database_url=f"sqlite:///{embedded_database_path()}", embedded=True)
