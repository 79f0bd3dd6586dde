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
    from catalog.library import Catalog
    from catalog.settings import DATABASE_URL_VARIABLE, RELOAD_SECONDS_VARIABLE

    # Set the catalog up (the embedded one seeds itself) and fail here, in one line, rather
    # than in every worker.
    Catalog.open(database_url).close()
    # Workers are separate processes that build the app from the environment.
    if database_url:
        os.environ[DATABASE_URL_VARIABLE] = database_url
    os.environ[RELOAD_SECONDS_VARIABLE] = str(reload_seconds)
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
