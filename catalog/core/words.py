"""Small English helpers the core's messages share with the faces."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """`1 day`, `2 days`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
