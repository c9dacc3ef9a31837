"""Deterministic partitioning of one input among n processes or machines."""

from __future__ import annotations

import attrs

from .._exceptions import ConfigurationError

__all__ = ["Shard"]


def _check(instance: Shard, attribute: attrs.Attribute[int], value: int) -> None:
    """Refuse impossible shards with a ConfigurationError."""
    if instance.count < 1 or not 0 <= instance.index < instance.count:
        msg = f"shard must be (i, n) with 0 <= i < n, not ({instance.index}, {instance.count})"
        raise ConfigurationError(msg)


@attrs.frozen
class Shard:
    """Shard `index` of `count`: it owns the rows whose position modulo `count` is `index`.

    Partitioning by position needs no coordination and no pre-scan of the input: every worker
    reads the same file, keeps its own rows and skips the others, so the n shards together cover
    every row exactly once. Each shard needs its own journal (the journal remembers its shard
    and refuses another one).
    """

    index: int = attrs.field(validator=_check)
    count: int = attrs.field(validator=_check)

    @classmethod
    def parse(cls, value: str | tuple[int, int] | Shard | None) -> Shard:
        """Accept `"i/n"`, `(i, n)`, a `Shard`, or None (the whole input)."""
        if value is None:
            return cls(0, 1)
        if isinstance(value, Shard):
            return value
        if isinstance(value, str):
            head, _, tail = value.partition("/")
            if not (head.strip().isdigit() and tail.strip().isdigit()):
                msg = f"shard must look like i/n (e.g. 0/3), not {value!r}"
                raise ConfigurationError(msg)
            return cls(int(head), int(tail))
        index, count = value
        return cls(index, count)

    def owns(self, position: int) -> bool:
        """Whether the row at `position` (0-based, in the whole input) belongs to this shard."""
        return position % self.count == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
