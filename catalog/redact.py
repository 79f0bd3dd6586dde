"""Mask passwords in database URLs and connection strings wherever text may show them."""

from __future__ import annotations

import re

# scheme://user:PASSWORD@host  and  password=PASSWORD (libpq key/value strings)
_URL_PASSWORD = re.compile(r"((?:[A-Za-z][A-Za-z0-9+.-]*)?://[^:/@\s'\"]*:)([^@\s'\"]*)(@)")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with every password in a URL or a `password=` pair replaced by `***`."""
    text = _URL_PASSWORD.sub(r"\1***\3", text)
    return _KEYWORD_PASSWORD.sub(r"\1***", text)
