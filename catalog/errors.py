"""One small hierarchy of errors, each carrying what a user needs to fix it.

The CLI maps them to exit codes and the API to HTTP statuses, each in one place.
"""

from __future__ import annotations


class CatalogError(Exception):
    """Base of every error the catalog raises on purpose."""

    exit_code: int = 1
    http_status: int = 500

    def __init__(
        self, message: str, *, field: str | None = None, suggestions: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.suggestions = suggestions or []  # close names that may be what was meant


class InvalidArgument(CatalogError):
    """A caller passed a value the catalog cannot use (a task, mode, provider or date)."""

    exit_code = 2
    http_status = 400


class NotFound(CatalogError):
    """The named thing is not in the catalog."""

    exit_code = 1
    http_status = 404


class SeedError(CatalogError):
    """The seed file is wrong; names the file, the line and the field."""

    exit_code = 2
    http_status = 400

    def __init__(
        self, message: str, *, path: str, line: int | None = None, field: str | None = None
    ) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {field + ': ' if field else ''}{message}", field=field)
        self.path = path
        self.line = line
        self.reason = message


class SeedErrors(SeedError):
    """Several problems in one seed file, reported together."""

    def __init__(self, errors: list[SeedError]) -> None:
        first = errors[0]
        super().__init__(first.reason, path=first.path, line=first.line, field=first.field)
        self.errors = errors
        self.message = "\n".join(e.message for e in errors)
        self.args = (self.message,)


class SchemaOutOfDate(CatalogError):
    """The database schema is not at the head revision this package needs."""

    exit_code = 1
    http_status = 503


class NotLoaded(CatalogError):
    """The schema is current but no catalog has been loaded into it."""

    default_message = "the catalog database is empty: run `model-catalog load`"

    exit_code = 1
    http_status = 503


class DatabaseUnavailable(CatalogError):
    """The database cannot be reached or refused the operation."""

    exit_code = 1
    http_status = 503
