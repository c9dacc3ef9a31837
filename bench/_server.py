"""A minimal asyncio + httptools HTTP/1.1 server for the benchmarks, run in its own process.

It answers `POST /api/leads` with `{"id": N}` and `GET /products.json` with a list of the docs'
example product (`limit` products, default 10), after `--latency` seconds scheduled with
`call_later`, so thousands of requests wait at once without blocking. Keep-alive only; no
pipelining. It is pinned to its own core when the machine has more than one.

    python -m bench._server --latency 0.02 --cpu 1   # prints the port, then serves
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httptools

ROOT = Path(__file__).resolve().parent.parent


def example_product() -> dict[str, object]:
    """The product of the API docs' example response (shared/api/product-api.md)."""
    text = (Path(__file__).with_name("product_example.json")).read_text()
    product: dict[str, object] = json.loads(text)[0]
    return product


def _response(body: bytes) -> bytes:
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
    )
    return head + body


class _Protocol(asyncio.Protocol):
    def __init__(self, server: _State) -> None:
        self.state = server
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.url = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            assert self.transport is not None
            self.transport.close()

    def on_url(self, url: bytes) -> None:
        self.url = url

    def on_message_complete(self) -> None:
        payload = self.state.answer(self.url)
        if self.state.latency > 0:
            self.state.loop.call_later(self.state.latency, self._write, payload)
        else:
            self._write(payload)

    def _write(self, payload: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(payload)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


class _State:
    def __init__(self, loop: asyncio.AbstractEventLoop, latency: float) -> None:
        self.loop = loop
        self.latency = latency
        self.next_id = 0
        product = json.dumps(example_product(), separators=(",", ":"))
        self.product_lists: dict[int, bytes] = {}
        self._product = product

    def answer(self, url: bytes) -> bytes:
        path, _, query = url.partition(b"?")
        if path.endswith(b"/products.json"):
            limit = int(parse_qs(query.decode()).get("limit", ["10"])[0])
            cached = self.product_lists.get(limit)
            if cached is None:
                body = ("[" + ",".join([self._product] * limit) + "]").encode()
                cached = self.product_lists[limit] = _response(body)
            return cached
        self.next_id += 1
        return _response(b'{"id":%d}' % self.next_id)


def pin(cpu: int | None) -> None:
    """Pin this process to one core when there is more than one."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return
    available = os.sched_getaffinity(0)
    if len(available) > 1 and cpu in available:
        os.sched_setaffinity(0, {cpu})


async def _serve(latency: float) -> None:
    loop = asyncio.get_running_loop()
    state = _State(loop, latency)
    server = await loop.create_server(
        lambda: _Protocol(state), "127.0.0.1", 0, backlog=4096, reuse_address=True
    )
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args(argv)
    pin(args.cpu)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.latency))


@contextlib.contextmanager
def running(latency: float, cpu: int | None = 1) -> Iterator[str]:
    """Start the server in a subprocess; yield its base URL; stop it."""
    import subprocess

    command = [sys.executable, "-m", "bench._server", "--latency", str(latency)]
    if cpu is not None:
        command += ["--cpu", str(cpu)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
