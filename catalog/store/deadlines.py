"""A client-side deadline on PostgreSQL: a connection whose server stops answering is cut.

The statement timeout is the server's own: a server that is frozen (a stopped or swapped-out
process, a stuck pooler or proxy) or a host gone without closing its connections never sends
that error, and libpq waits on its socket for ever. Every thread that touched the database
would hang with it: a server's readiness probes, its refresher, a CLI in CI.

So every wait on a PostgreSQL server is armed here first: the pool's ping at checkout, each
statement, commit and rollback, and the snapshot read's own statements. One watchdog thread
per process shuts down the socket of a connection still waiting past its deadline; libpq
then fails the wait at once, SQLAlchemy sees a disconnect and drops the pool, and the
caller gets `DatabaseUnavailable` saying how long the database was silent. A connection is
cut only while a command is in progress on it (libpq's ACTIVE state), so a deadline left
armed on an idle connection never cuts it.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

GRACE_SECONDS = 5.0  # past the statement timeout: the server's own error comes first if it can
TICK_SECONDS = 0.25  # how often the watchdog looks, at most


@dataclass
class _Armed:
    connection: weakref.ref[Any]
    expires: float
    seconds: float
    setting: str  # what sets the deadline, for the message
    owner: int  # the thread that waits for the answer (and gets the message)


class Deadlines:
    """The process's armed waits, and the thread that cuts the ones that outlive them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[int, _Armed] = {}  # id(driver connection) -> its deadline
        self._cut: dict[int, tuple[float, str]] = {}  # owner thread -> (seconds, setting)
        self._thread: threading.Thread | None = None
        self.cuts = 0  # connections cut since the process started

    def arm(
        self, connection: Any, seconds: float, setting: str, *, owner: int | None = None
    ) -> None:
        """From now, `connection` (a psycopg connection) has `seconds` to get its answer;
        `setting` says what sets that wait, for the message if it runs out."""
        armed = _Armed(
            weakref.ref(connection),
            time.monotonic() + seconds,
            seconds,
            setting,
            owner if owner is not None else threading.get_ident(),
        )
        with self._lock:
            self._armed[id(connection)] = armed
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="database-deadlines", daemon=True
                )
                self._thread.start()

    def disarm(self, connection: Any) -> None:
        with self._lock:
            self._armed.pop(id(connection), None)

    def take_cut(self) -> tuple[float, str] | None:
        """The deadline this thread's connection was cut at, and what sets it; once."""
        with self._lock:
            return self._cut.pop(threading.get_ident(), None)

    def _watch(self) -> None:
        while True:
            time.sleep(TICK_SECONDS)
            now = time.monotonic()
            with self._lock:
                due = [(key, a) for key, a in self._armed.items() if a.expires <= now]
                for key, _ in due:
                    del self._armed[key]
            for _, armed in due:
                connection = armed.connection()
                if connection is not None and _waiting(connection) and _shut(connection):
                    with self._lock:
                        self._cut[armed.owner] = (armed.seconds, armed.setting)
                        self.cuts += 1


def _waiting(connection: Any) -> bool:
    """Whether a command is in progress on the connection: it waits for the server."""
    from psycopg import pq

    try:
        return bool(connection.pgconn.transaction_status == pq.TransactionStatus.ACTIVE)
    except Exception:  # closed meanwhile: nothing waits on it
        return False


def _shut(connection: Any) -> bool:
    """Shut the connection's socket down both ways: the waiting libpq call fails at once.

    The descriptor is duplicated, so closing our copy leaves libpq's own to libpq.
    """
    try:
        descriptor = os.dup(connection.pgconn.socket)
    except Exception:  # closed meanwhile
        return False
    with socket.socket(fileno=descriptor) as duplicate:
        try:
            duplicate.shutdown(socket.SHUT_RDWR)
        except OSError:
            return False
    return True


DEADLINES = Deadlines()
