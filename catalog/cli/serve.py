"""`model-catalog serve`: the REST API on uvicorn.

FastAPI and uvicorn are imported inside the command, so every other command starts
without them.
"""

from __future__ import annotations

import logging
import logging.config
import os
from typing import Annotated

import typer

from catalog.cli.options import DatabaseUrl
from catalog.errors import InvalidArgument
from catalog.logs import LOG_FORMATS, uvicorn_log_config
from catalog.settings import ACCESS_LOG_VARIABLE

GRACEFUL_TIMEOUT = 30  # seconds; the Dockerfile's too (container stop timeouts go above it)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=0, max=65535)
    ] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", help="Worker processes, each with its own snapshot.", min=1)
    ] = 1,
    reload_seconds: Annotated[
        float,
        typer.Option(
            "--reload-seconds", help="How often each worker rechecks the catalog's revision."
        ),
    ] = 2.0,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = True,
    log_format: Annotated[
        str, typer.Option("--log-format", help="text, or json: one JSON object per line.")
    ] = "text",
    root_path: Annotated[
        str,
        typer.Option(
            "--root-path", help="The path prefix a reverse proxy serves the API under (/catalog)."
        ),
    ] = "",
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            envvar="MODEL_CATALOG_PUBLIC_URL",
            show_envvar=True,
            help="The URL people reach the app at (https://example.com/catalog), for the "
            "feeds' absolute links; default: each request's own scheme, Host and root path.",
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="Proxies (comma-separated IPs, or *) whose X-Forwarded-For/-Proto are trusted.",
        ),
    ] = None,
    graceful_timeout: Annotated[
        int,
        typer.Option(
            "--graceful-timeout",
            help=(
                "On SIGTERM, seconds to let requests in flight finish; then they are cut off "
                "(a stalled client must not keep a stopped server alive)."
            ),
            min=0,
        ),
    ] = GRACEFUL_TIMEOUT,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the read-only REST API (docs at /docs) over the catalog database."""
    if reload_seconds <= 0:
        raise InvalidArgument(
            f"--reload-seconds must be positive, not {reload_seconds}", field="reload_seconds"
        )
    if log_format not in LOG_FORMATS:
        raise InvalidArgument(
            f"--log-format must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}",
            field="log_format",
        )
    _check_root_path(root_path)
    if public_url is not None:
        public_url = _checked_public_url(public_url, root_path)
    from catalog.library import Catalog
    from catalog.settings import (
        DATABASE_URL_VARIABLE,
        PUBLIC_URL_VARIABLE,
        RELOAD_SECONDS_VARIABLE,
    )

    # Set the catalog up (the embedded one seeds itself) and fail here, in one line, rather
    # than in every worker.
    Catalog.open(database_url).close()
    # Workers are separate processes that build the app from the environment.
    if database_url:
        os.environ[DATABASE_URL_VARIABLE] = database_url
    os.environ[RELOAD_SECONDS_VARIABLE] = str(reload_seconds)
    if public_url is not None:
        os.environ[PUBLIC_URL_VARIABLE] = public_url
    # The app writes the access log (with request ids); uvicorn's own is off.
    os.environ[ACCESS_LOG_VARIABLE] = "1" if access_log else "0"

    import uvicorn

    # Said through the configured logging, so that with --log-format json every line the
    # server writes is a JSON object (a log collector would trip on a plain banner).
    log_config = uvicorn_log_config(log_format)
    logging.config.dictConfig(log_config)
    logging.getLogger("catalog.serve").info(
        "model-catalog API on http://%s:%s (docs at /docs)",
        host,
        port,
        extra={"host": host, "port": port, "workers": workers},
    )
    uvicorn.run(
        "catalog.api:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=log_config,
        root_path=root_path,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,  # None: uvicorn's default, 127.0.0.1 only
        timeout_graceful_shutdown=graceful_timeout,
    )


def _check_root_path(root_path: str) -> None:
    """`/catalog`, or nothing: uvicorn puts it in front of every request's path."""
    if root_path and not root_path.startswith("/"):
        raise InvalidArgument(
            f"--root-path must start with / (/catalog), not {root_path!r}", field="root_path"
        )


def _checked_public_url(public_url: str, root_path: str) -> str:
    """The public URL, whose path must be the root path: the pages link under the one, the
    feeds under the other."""
    from urllib.parse import urlsplit

    from catalog.settings import parse_public_url

    try:
        checked = parse_public_url(public_url)
    except ValueError as error:
        raise InvalidArgument(f"--public-url: {error}", field="public_url") from None
    path = urlsplit(checked).path
    if path != root_path.rstrip("/"):
        raise InvalidArgument(
            f"--public-url's path ({path or 'none'}) must be the --root-path "
            f"({root_path or 'none'}): the proxy serves the app under one prefix",
            field="public_url",
        )
    return checked
