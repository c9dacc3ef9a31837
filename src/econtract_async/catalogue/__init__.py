"""A product-catalogue cache for web backends: reads from memory, revalidated by `last_updated`.

```python
async with EcontractClient.from_env() as ec, Catalogue(ec) as catalogue:
    products = await catalogue.products(cat="internet", lang="nl")
```

See `docs/catalogue-cache.md`. `RedisStore` needs the `[redis]` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._cache import STALE_IF_ERROR, Catalogue, CatalogueSettings, CatalogueStats, version_token
from ._store import Entry, Key, MemoryStore, Store

if TYPE_CHECKING:
    from ._redis import RedisStore

__all__ = [
    "STALE_IF_ERROR",
    "Catalogue",
    "CatalogueSettings",
    "CatalogueStats",
    "Entry",
    "Key",
    "MemoryStore",
    "RedisStore",
    "Store",
    "version_token",
]


def __getattr__(name: str) -> Any:
    """`RedisStore` on first use: importing the catalogue never needs redis-py."""
    if name == "RedisStore":
        from ._redis import RedisStore

        return RedisStore
    raise AttributeError(name)
