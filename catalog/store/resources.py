"""Where the shipped seed file and migrations live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # catalog/, where the wheel puts data/
_CHECKOUT = _PACKAGE.parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[-1]


def seed_path() -> Path:
    """The catalog's own `seed.yaml`: inside the wheel, or `data/` in a checkout."""
    return _first_existing(_PACKAGE / "data" / "seed.yaml", _CHECKOUT / "data" / "seed.yaml")


def migrations_path() -> Path:
    """The Alembic script directory: inside the wheel, or `migrations/` in a checkout."""
    return _first_existing(_PACKAGE / "migrations", _CHECKOUT / "migrations")
