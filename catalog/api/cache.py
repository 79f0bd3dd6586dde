"""A bounded LRU of response bodies, keyed by (catalog revision, request), bounded in
entries and in bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import NamedTuple


class Cached(NamedTuple):
    """A finished answer: its body and its headers, encoded once."""

    body: bytes
    etag: str
    headers: tuple[tuple[bytes, bytes], ...]  # raw ASGI headers; send a copy (middleware edits)


class ResponseCache:
    """Bodies are immutable per revision, so an entry never goes stale: it only ages out."""

    def __init__(self, max_entries: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes  # bodies vary from 100 B to MiBs (a batch of 1,000 names)
        self.size = 0
        self._entries: OrderedDict[Hashable, Cached] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Cached | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, value: Cached) -> None:
        if self.max_entries <= 0 or len(value.body) > self.max_bytes // 8:
            return  # one answer may not push out most of the others
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self._entries[key] = value
            self.size += len(value.body)
            while len(self._entries) > self.max_entries or self.size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.size -= len(evicted.body)

    def __len__(self) -> int:
        return len(self._entries)
