"""The `model-catalog` command: a thin layer over the library.

Each command group lives in its own module; this one assembles them and maps errors to exit
codes in one place. Importing it imports no web framework: `check` runs in pre-commit hooks.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer

from catalog.cli import check, deprecations, load, queries, resolve, serve
from catalog.cli.db import db_app
from catalog.cli.render import say
from catalog.errors import CatalogError
from catalog.redact import redact

app = typer.Typer(
    name="model-catalog",
    help="A catalog of foundation models: endpoint types, retirements and replacements.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db_app, name="db")
app.command("load")(load.load)
app.command("models")(queries.models)
app.command("show")(queries.show)
app.command("providers")(queries.providers)
app.command("architectures")(queries.architectures)
app.command("resolve")(resolve.resolve)
app.command("deprecations")(deprecations.deprecations)
app.command("check")(check.check_command)
app.command("serve")(serve.serve)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; usage errors are one line and exit 2, catalog errors map to their codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=args, prog_name="model-catalog", standalone_mode=False)
    except CatalogError as error:
        say(f"model-catalog: error: {redact(error.message)}", err=True)
        return error.exit_code
    except typer.Exit as error:
        return error.exit_code
    except typer.Abort:
        say("model-catalog: aborted", err=True)
        return 130
    except typer.TyperException as error:
        context = getattr(error, "ctx", None)
        if type(error).__name__ == "NoArgsIsHelpError" and context is not None:
            say(context.get_help())
        else:
            say(f"model-catalog: error: {error.format_message()}", err=True)
        return error.exit_code
    except Exception as error:  # a bug or an unforeseen failure: one line, never a traceback
        if os.environ.get("MODEL_CATALOG_DEBUG"):
            raise
        first_line = redact((str(error).strip().splitlines() or [""])[0])
        say(
            f"model-catalog: unexpected error: {type(error).__name__}: {first_line} "
            "(set MODEL_CATALOG_DEBUG=1 for the traceback)",
            err=True,
        )
        return 1
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())
