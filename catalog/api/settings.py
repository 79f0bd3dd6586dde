"""The API's own settings, read from the environment only when an app is made."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TypeVar

from catalog.settings import (
    BODY_TIMEOUT_VARIABLE,
    CACHE_ENTRIES_VARIABLE,
    CORS_ORIGINS_VARIABLE,
    FRONT_CACHE_VARIABLE,
    MAX_BODY_VARIABLE,
    PUBLIC_URL_VARIABLE,
    RELOAD_SECONDS_VARIABLE,
    parse_public_url,
)

Number = TypeVar("Number", int, float)


@dataclass(frozen=True)
class ApiSettings:
    """How the HTTP face behaves; the database comes from the library's own settings."""

    cors_origins: tuple[str, ...] = ()  # CORS is off unless origins are named
    reload_seconds: float = 2.0  # how often each worker rechecks the catalog's revision
    max_body_bytes: int = 1_048_576  # a bigger request body is refused with 413
    body_timeout_seconds: float = 10.0  # a body not in by then is refused with 408
    max_batch: int = 1_000  # names in one POST /v1/resolve
    cache_entries: int = 4_096  # response bodies kept per worker (bounded LRU); 0: none
    cache_bytes: int = 64 * 1024 * 1024  # and at most this many body bytes per worker
    front_cache: bool = True  # answer a repeated GET from the cache before routing
    cache_max_age: int = 60  # seconds a client or proxy may reuse an answer unasked
    gzip_minimum_bytes: int = 1_024
    database_url: str | None = None  # None: MODEL_CATALOG_DATABASE_URL or the embedded default
    # where the feeds' absolute links point; None: each request's own scheme, Host and root path
    public_url: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ApiSettings:
        """Settings from the environment; a malformed value fails fast, naming the variable."""
        env = dict(os.environ if environ is None else environ)
        origins = tuple(
            o.strip() for o in env.get(CORS_ORIGINS_VARIABLE, "").split(",") if o.strip()
        )
        public = env.get(PUBLIC_URL_VARIABLE, "").strip()
        try:
            public_url = parse_public_url(public) if public else None
        except ValueError as error:
            raise ValueError(f"{PUBLIC_URL_VARIABLE}: {error}") from None
        return cls(
            cors_origins=origins,
            reload_seconds=_number(env, RELOAD_SECONDS_VARIABLE, cls.reload_seconds, float),
            max_body_bytes=_number(env, MAX_BODY_VARIABLE, cls.max_body_bytes, int),
            body_timeout_seconds=_number(
                env, BODY_TIMEOUT_VARIABLE, cls.body_timeout_seconds, float
            ),
            cache_entries=_number(
                env, CACHE_ENTRIES_VARIABLE, cls.cache_entries, int, allow_zero=True
            ),
            front_cache=env.get(FRONT_CACHE_VARIABLE, "1").strip() not in ("0", "false", "no"),
            public_url=public_url,
        )


def _number(
    env: dict[str, str],
    name: str,
    default: Number,
    kind: type[Number],
    *,
    allow_zero: bool = False,
) -> Number:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a number") from None
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name}={text!r} must be {'0 or more' if allow_zero else 'positive'}")
    return value
