"""A raw HTTP/1.1 server on loopback that records the exact bytes of every request it receives.

Tests use it to compare what the two senders put on the wire, and to misbehave on purpose
(close a kept-alive connection before answering, never answer at all).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import attrs

__all__ = ["WireRequest", "WireServer", "wire_server"]


@attrs.frozen
class WireRequest:
    """One request as it arrived: the request line, the headers in order, the body."""

    line: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    connection: int
    """Which connection (0, 1, ...) it came on."""

    def header_set(self) -> list[tuple[str, str]]:
        """The headers with lower-case names, sorted: order is each library's own business."""
        return sorted((name.lower(), value) for name, value in self.headers)


Behaviour = Callable[[WireRequest, int], "str | bytes | None"]
"""Given a request and its index on its connection: `ok`, raw bytes to answer, or None (hang up)."""


def _answer(body: Any) -> bytes:
    data = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


@attrs.define
class WireServer:
    """Records requests; `behaviour` decides each answer (default: `200 {"id": 1}`)."""

    behaviour: Behaviour = lambda request, index: "ok"
    body: Any = attrs.field(factory=lambda: {"id": 1})
    requests: list[WireRequest] = attrs.field(factory=list)
    port: int = 0
    hold: asyncio.Event = attrs.field(factory=asyncio.Event)
    _connections: int = 0
    _writers: set[asyncio.StreamWriter] = attrs.field(factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = self._connections
        self._connections += 1
        self._writers.add(writer)
        index = 0
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                line, *rest = head.decode("latin-1").split("\r\n")
                headers = tuple(
                    (name, value.strip())
                    for name, _, value in (h.partition(":") for h in rest if h)
                )
                length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
                body = await reader.readexactly(length) if length else b""
                request = WireRequest(line, headers, body, connection)
                self.requests.append(request)
                action = self.behaviour(request, index)
                index += 1
                if action is None:
                    return
                if action == "hold":
                    await self.hold.wait()
                    return
                writer.write(_answer(self.body) if action == "ok" else action)  # type: ignore[arg-type]
                await writer.drain()
        finally:
            self._writers.discard(writer)
            writer.close()

    def close_connections(self) -> None:
        for writer in list(self._writers):
            writer.close()


@asynccontextmanager
async def wire_server(**options: Any) -> AsyncIterator[WireServer]:
    """A `WireServer` listening on 127.0.0.1 for the duration of the block."""
    server = WireServer(**options)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    try:
        yield server
    finally:
        server.hold.set()
        server.close_connections()
        listener.close()
        await listener.wait_closed()
