"""Where catalogue entries live: the `Store` protocol and the in-process `MemoryStore`.

A store keeps entries by key and elects one refresher per key (`lock`/`unlock`); it knows
nothing of freshness, which the `Catalogue` decides from an entry's times.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Protocol

import attrs

__all__ = ["Decode", "Entry", "Key", "MemoryStore", "Store"]

Key = tuple[Hashable, ...]
"""`(kind, path id or None, (name, value), ...)`: the full query of one cached read."""

Decode = Callable[[str, str], Any]
"""`decode(kind, body)`: the typed value of a stored JSON body, as the uncached call returns it."""


@attrs.frozen
class Entry:
    """One cached read.

    Attributes:
        kind: what was read (`products`, `product`, `suppliers`, `supplier`).
        value: the typed result, exactly what the uncached call returned. Shared by every
            reader: treat it as read-only.
        version: what `last_updated` answered for the entry's scope just before the fetch.
        fetched_at: when the value was fetched (the store's clock, seconds).
        checked_at: when it was last known current: the fetch, or the last `last_updated`
            call that answered `version` again.
        stamp: names this fetched content; a refetch gets a new one, a revalidation keeps it.
        body: the JSON body the API answered, kept only by stores that serialize.
    """

    kind: str
    value: Any = attrs.field(repr=False, eq=False)
    version: str
    fetched_at: float
    checked_at: float
    stamp: str
    body: str | None = attrs.field(default=None, repr=False)


class Store(Protocol):
    """Keeps entries, and elects one refresher per key among all who share the store."""

    serializes: bool
    """Whether entries leave the process (then the `Catalogue` keeps each JSON body)."""

    async def get(self, key: Key, decode: Decode) -> Entry | None:
        """The entry under `key`, or `None`; `decode` builds the typed value from a body."""
        ...

    async def set(self, key: Key, entry: Entry, keep_for: float) -> None:
        """Store `entry` (value, body and times) for at least `keep_for` seconds."""
        ...

    async def touch(self, key: Key, entry: Entry, keep_for: float) -> None:
        """Store `entry`'s new times; its content (`stamp`, value, body) is the stored one."""
        ...

    async def lock(self, key: Key, seconds: float) -> bool:
        """Become the one refresher of `key` for `seconds` at most; `False` if another is."""
        ...

    async def unlock(self, key: Key) -> None:
        """Give up refreshing `key` (only a lock this store object holds)."""
        ...

    async def aclose(self) -> None:
        """Release what the store holds (connections)."""
        ...


class MemoryStore:
    """Entries in this process, at most `max_entries` of them; the least recently read go first.

    Args:
        max_entries: how many entries to keep (default 1,000).
        clock: seconds, for lock expiry (the `Catalogue` passes its own).
    """

    serializes = False

    def __init__(self, max_entries: int = 1000, *, clock: Callable[[], float] = time.time) -> None:
        if max_entries < 1:
            msg = f"max_entries must be at least 1, got {max_entries}"
            raise ValueError(msg)
        self.max_entries = max_entries
        self.clock = clock
        self.evictions = 0
        """Entries dropped to stay within `max_entries`."""
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._locks: dict[Key, float] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def lru_order(self) -> list[Key]:
        """The keys held, least recently read first."""
        return list(self._entries)

    async def get(self, key: Key, decode: Decode) -> Entry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    async def set(self, key: Key, entry: Entry, keep_for: float) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
            self.evictions += 1

    async def touch(self, key: Key, entry: Entry, keep_for: float) -> None:
        if key in self._entries:
            self._entries[key] = entry

    async def lock(self, key: Key, seconds: float) -> bool:
        now = self.clock()
        if self._locks.get(key, -1.0) > now:
            return False
        self._locks[key] = now + seconds
        return True

    async def unlock(self, key: Key) -> None:
        self._locks.pop(key, None)

    async def aclose(self) -> None:
        self._locks.clear()
