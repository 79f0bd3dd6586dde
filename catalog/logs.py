"""Structured logs: one line per record, as text or as JSON, carrying the request id.

The access log is written by the API's middleware (`catalog.api.observe`, logger
`catalog.access`), not by uvicorn, so each line has the request id, route and duration.
`uvicorn_log_config` gives uvicorn's own loggers the same format and filter, for
`model-catalog serve --log-format json`. Shared by the CLI and the API (faces never import
each other), standard library only.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from typing import Any

LOG_FORMATS = ("text", "json")
# Attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}

# The id of the request being answered in this context (set by the API's middleware).
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every record logged while it is answered."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = request_id.get()
        if current is not None and not hasattr(record, "request_id"):
            record.request_id = current
        return True


class JsonFormatter(logging.Formatter):
    """A JSON object per line: time, level, logger, message, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`time level logger: message key=value ...`: readable, and still one line a record."""

    def format(self, record: logging.LogRecord) -> str:
        extras = " ".join(
            f"{key}={value}"
            for key, value in record.__dict__.items()
            if key not in _STANDARD and not key.startswith("_")
        )
        stamp = dt.datetime.fromtimestamp(record.created, dt.UTC).strftime("%H:%M:%S.%f")[:-3]
        line = f"{stamp} {record.levelname.lower():7} {record.name}: {record.getMessage()}"
        line = f"{line} {extras}" if extras else line
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


def uvicorn_log_config(log_format: str, level: str = "info") -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn and the app: one handler, one format."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"catalog": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "filters": {"request_id": {"()": "catalog.logs.RequestIdFilter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "catalog",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            name: {"handlers": ["stderr"], "level": level.upper(), "propagate": False}
            for name in ("uvicorn", "uvicorn.error", "catalog")
        }
        | {"uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False}},
    }
