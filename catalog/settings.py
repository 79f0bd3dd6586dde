"""One settings object, read lazily: importing the package never reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from platformdirs import user_data_dir

from catalog.errors import InvalidArgument

DATABASE_URL_VARIABLE = "MODEL_CATALOG_DATABASE_URL"
# Read by the API (catalog.api.settings); set by `model-catalog serve` for its workers.
RELOAD_SECONDS_VARIABLE = "MODEL_CATALOG_RELOAD_SECONDS"
CORS_ORIGINS_VARIABLE = "MODEL_CATALOG_CORS_ORIGINS"
MAX_BODY_VARIABLE = "MODEL_CATALOG_MAX_BODY_BYTES"
BODY_TIMEOUT_VARIABLE = "MODEL_CATALOG_BODY_TIMEOUT"  # seconds for a request body to arrive
ACCESS_LOG_VARIABLE = "MODEL_CATALOG_ACCESS_LOG"  # 1: the API logs each request (serve sets it)
CACHE_ENTRIES_VARIABLE = "MODEL_CATALOG_RESPONSE_CACHE_ENTRIES"  # 0 turns the cache off
FRONT_CACHE_VARIABLE = "MODEL_CATALOG_FRONT_CACHE"  # 0: every request goes through routing
# The URL people reach the app at (https://example.com/catalog): the feeds' absolute links
PUBLIC_URL_VARIABLE = "MODEL_CATALOG_PUBLIC_URL"
CONNECT_TIMEOUT_VARIABLE = "MODEL_CATALOG_CONNECT_TIMEOUT"
STATEMENT_TIMEOUT_VARIABLE = "MODEL_CATALOG_STATEMENT_TIMEOUT"
# 0: never move a large snapshot to the collector's permanent generation (catalog.core.snapshot)
FREEZE_VARIABLE = "MODEL_CATALOG_FREEZE_SNAPSHOTS"
DEFAULT_CONNECT_TIMEOUT = 10.0  # seconds to open a connection
DEFAULT_STATEMENT_TIMEOUT = 60.0  # seconds per statement, or waiting for a lock


@dataclass(frozen=True)
class Timeouts:
    """How long the catalog waits on a database before it says so, in seconds."""

    connect: float = DEFAULT_CONNECT_TIMEOUT
    statement: float = DEFAULT_STATEMENT_TIMEOUT


@dataclass(frozen=True)
class Settings:
    database_url: str
    embedded: bool  # the default SQLite file, which the catalog creates, migrates and seeds itself
    timeouts: Timeouts = Timeouts()
    freeze_snapshots: bool = True  # a large snapshot leaves the cyclic collector's scans


def embedded_database_path() -> Path:
    return Path(user_data_dir("model-catalog", appauthor=False)) / "catalog.sqlite3"


def _seconds(variable: str, default: float) -> float:
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 86_400:
        raise InvalidArgument(
            f"{variable} must be a number of seconds between 0 and 86400, not {text!r}",
            field=variable,
        )
    return value


def load_timeouts() -> Timeouts:
    """`MODEL_CATALOG_CONNECT_TIMEOUT` and `MODEL_CATALOG_STATEMENT_TIMEOUT`, else the defaults."""
    return Timeouts(
        connect=_seconds(CONNECT_TIMEOUT_VARIABLE, DEFAULT_CONNECT_TIMEOUT),
        statement=_seconds(STATEMENT_TIMEOUT_VARIABLE, DEFAULT_STATEMENT_TIMEOUT),
    )


def load_freeze() -> bool:
    """`MODEL_CATALOG_FREEZE_SNAPSHOTS`: 1 (the default) or 0."""
    text = os.environ.get(FREEZE_VARIABLE, "").strip().lower()
    if text in ("", "1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise InvalidArgument(f"{FREEZE_VARIABLE} must be 1 or 0, not {text!r}", field=FREEZE_VARIABLE)


def load_settings(url: str | None = None) -> Settings:
    """An explicit URL wins, then `MODEL_CATALOG_DATABASE_URL`, then the embedded SQLite file."""
    chosen = url or os.environ.get(DATABASE_URL_VARIABLE) or None
    timeouts = load_timeouts()
    freeze = load_freeze()
    if chosen:
        return Settings(
            database_url=chosen, embedded=False, timeouts=timeouts, freeze_snapshots=freeze
        )
    return Settings(
        database_url=f"sqlite:///{embedded_database_path()}",
        embedded=True,
        timeouts=timeouts,
        freeze_snapshots=freeze,
    )


def parse_public_url(text: str) -> str:
    """`--public-url`, checked: links are appended to it, so an absolute http(s) URL with a
    host, no query or fragment, and no final `/`."""
    problem = f"{text!r} is not an http or https URL such as https://example.com/catalog"
    if any(c.isspace() or not c.isprintable() for c in text):
        raise ValueError(problem)
    try:
        parts = urlsplit(text)
        _ = parts.port  # a malformed port raises here
    except ValueError:
        raise ValueError(problem) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        raise ValueError(problem)
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ValueError(f"{problem} (no query, no fragment)")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
