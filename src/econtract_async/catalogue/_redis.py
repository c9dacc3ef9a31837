"""`RedisStore`: catalogue entries shared by many processes through Redis (the `[redis]` extra).

Each entry is one Redis hash under `<prefix>e:<key as JSON>` with two fields (D-096):

- `meta`: a small JSON object `{"format": 1, "kind", "version", "fetched_at", "checked_at",
  "stamp"}`;
- `body`: the JSON body exactly as the API answered it.

Nothing is pickled: reading an entry parses JSON and decodes the body with the SDK's own
response decoder, as a fresh answer would be, so a tampered entry can at worst hold wrong data,
never run code. A reader fetches `meta` only, and `body` only when the `stamp` differs from the
one it decoded last (a per-process map of decoded values), so a hit costs one round trip.
The refresher of a key holds `<prefix>lock:<key>` (`SET NX PX`, a random token, released by a
compare-and-delete script), so one process per key calls the API.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from .._exceptions import ConfigurationError
from ._store import Decode, Entry, Key

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["FORMAT", "RedisStore"]

FORMAT = 1
"""The layout of `meta`; an entry of another format is treated as missing."""
logger = logging.getLogger("econtract_async.catalogue")
_UNLOCK = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""


def _redis_class() -> type[Redis]:
    try:
        from redis.asyncio import Redis
    except ImportError as exc:
        msg = "RedisStore needs the [redis] extra: pip install 'econtract-async[redis]'"
        raise ConfigurationError(msg) from exc
    return Redis


class RedisStore:
    """Catalogue entries in Redis, shared by every process that uses the same `prefix`.

    Bound memory in Redis itself (`maxmemory` with `maxmemory-policy allkeys-lru`); each entry
    also expires once no setting could serve it any more.

    Args:
        redis: a `redis.asyncio.Redis` client (not closed by the store), or a URL such as
            `redis://localhost:6379/0` (the store makes and closes its own client).
        prefix: the start of every key the store writes.
        max_decoded: how many decoded values this process keeps, least recently used first out.
    """

    serializes = True

    def __init__(
        self,
        redis: Redis | str,
        *,
        prefix: str = "econtract:catalogue:",
        max_decoded: int = 1000,
    ) -> None:
        redis_class = _redis_class()
        self._owns = isinstance(redis, str)
        self.redis: Redis = redis_class.from_url(redis) if isinstance(redis, str) else redis
        self.prefix = prefix
        self.max_decoded = max_decoded
        self._decoded: OrderedDict[str, tuple[str, Any]] = OrderedDict()
        self._tokens: dict[str, str] = {}
        self._unlock = self.redis.register_script(_UNLOCK)

    def __repr__(self) -> str:
        return f"RedisStore(prefix={self.prefix!r})"

    def _name(self, kind: str, key: Key) -> str:
        return self.prefix + kind + json.dumps(key, ensure_ascii=False, separators=(",", ":"))

    async def get(self, key: Key, decode: Decode) -> Entry | None:
        name = self._name("e:", key)
        raw = await self.redis.hget(name, "meta")
        if raw is None:
            return None
        try:
            meta = json.loads(raw)
            if meta.get("format") != FORMAT:
                return None
            kind, stamp = str(meta["kind"]), str(meta["stamp"])
            version = str(meta["version"])
            fetched_at, checked_at = float(meta["fetched_at"]), float(meta["checked_at"])
        except (ValueError, TypeError, KeyError, AttributeError):
            logger.warning("catalogue: ignoring an unreadable entry %s", name)
            return None
        known = self._decoded.get(name)
        if known is not None and known[0] == stamp:
            self._decoded.move_to_end(name)
            value = known[1]
        else:
            body = await self.redis.hget(name, "body")
            if body is None:
                return None
            value = decode(kind, body.decode() if isinstance(body, bytes) else str(body))
            self._decoded[name] = (stamp, value)
            while len(self._decoded) > self.max_decoded:
                self._decoded.popitem(last=False)
        return Entry(kind, value, version, fetched_at, checked_at, stamp)

    @staticmethod
    def _meta(entry: Entry) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "kind": entry.kind,
                "version": entry.version,
                "fetched_at": entry.fetched_at,
                "checked_at": entry.checked_at,
                "stamp": entry.stamp,
            },
            ensure_ascii=False,
        )

    async def set(self, key: Key, entry: Entry, keep_for: float) -> None:
        if entry.body is None:
            msg = "RedisStore keeps JSON bodies: this entry has none"
            raise ValueError(msg)
        name = self._name("e:", key)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(name, mapping={"meta": self._meta(entry), "body": entry.body})
            pipe.pexpire(name, max(1, int(keep_for * 1000)))
            await pipe.execute()
        self._decoded[name] = (entry.stamp, entry.value)

    async def touch(self, key: Key, entry: Entry, keep_for: float) -> None:
        name = self._name("e:", key)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(name, "meta", self._meta(entry))
            pipe.pexpire(name, max(1, int(keep_for * 1000)))
            await pipe.execute()

    async def lock(self, key: Key, seconds: float) -> bool:
        name = self._name("lock:", key)
        token = secrets.token_hex(16)
        taken = await self.redis.set(name, token, nx=True, px=max(1, int(seconds * 1000)))
        if taken:
            self._tokens[name] = token
        return bool(taken)

    async def unlock(self, key: Key) -> None:
        name = self._name("lock:", key)
        token = self._tokens.pop(name, None)
        if token is not None:
            await self._unlock(keys=[name], args=[token])

    async def aclose(self) -> None:
        if self._owns:
            await self.redis.aclose()
