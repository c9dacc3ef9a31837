"""Test doubles for the bulk primitive: rows, a validating prepare step and a scriptable API."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import anyio
import attrs

from econtract_async._exceptions import FieldError, ValidationError


@attrs.frozen
class Item:
    """A row for the primitive: `bad` items fail validation."""

    n: int
    bad: bool = False


def prepare(item: Item) -> Item:
    """Reject bad items the way a request model would."""
    if item.bad:
        errors = [FieldError("email", "email", "not an email"), FieldError("n", "n", "too big")]
        raise ValidationError("Item", errors)
    return item


@attrs.define
class FakeApi:
    """A create call that records what it receives and fails on demand.

    `script[n]` lists the errors raised by successive attempts for item n, after which it
    succeeds; `gate` (when set) makes every call wait until it is set.
    """

    script: dict[int, list[Exception]] = attrs.field(factory=dict)
    received: list[int] = attrs.field(factory=list)
    stored: list[int] = attrs.field(factory=list)
    gate: anyio.Event | None = None
    calls: int = 0

    async def send(self, item: Item) -> int:
        """Create `item`; return an id derived from it."""
        self.calls += 1
        self.received.append(item.n)
        if self.gate is not None:
            await self.gate.wait()
        await anyio.lowlevel.checkpoint()
        pending = self.script.get(item.n)
        if pending:
            raise pending.pop(0)
        self.stored.append(item.n)
        return 1000 + item.n


def items(count: int, *, bad: Callable[[int], bool] = lambda n: False) -> Iterator[Item]:
    """`count` items, some of them bad."""
    for n in range(count):
        yield Item(n, bad=bad(n))
