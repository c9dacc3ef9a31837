"""The catalogue cache (`econtract_async.catalogue`): hits, single flight, a steady run, Redis.

Every figure runs against the sandbox on a loopback socket with a fault latency of 20 ms per
API call (`Faults(latency=0.02)`), counting the API calls the sandbox answered
(`Sandbox.calls`). The Redis figures start a `redis-server` of their own (Debian's package).

    python -m bench --only catalogue            # full sizes (~90 s)
    python -m bench.catalogue --worker ...      # one process of the 4-process figure (internal)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anyio

from ._common import Sample, Table, verdict

LATENCY = 0.02
HIT_TARGET_US = 5.0
REDIS_HIT_TARGET_US = 300.0
LIST = "product.products.list"
LAST = "product.products.last_updated"
QUERY: dict[str, Any] = {"cat": "internet", "lang": "nl"}


@dataclass
class Sizes:
    """How big each figure is: full for the page, tiny for `--smoke`."""

    hits: int
    uncached: int
    cold_readers: int
    run_seconds: float
    run_rate: int
    run_ttl: float
    redis_hits: int
    worker_seconds: float
    worker_ttl: float
    changes: int


FULL = Sizes(20_000, 20, 10_000, 60.0, 1000, 5.0, 5_000, 12.0, 1.0, 3)
SMOKE = Sizes(2_000, 3, 500, 2.0, 200, 0.5, 300, 2.5, 0.4, 1)


def _client(base_url: str) -> Any:
    from econtract_async import EcontractClient
    from econtract_async.sandbox import SandboxCredentials

    return EcontractClient(
        product_auth=SandboxCredentials().product_auth(), product_base_url=base_url
    )


@contextlib.contextmanager
def _sandbox(latency: float = LATENCY) -> Iterator[Any]:
    from econtract_async.sandbox import Faults, Sandbox, serve_in_thread

    with Sandbox(faults=Faults(latency=latency)) as sandbox, serve_in_thread(sandbox) as live:
        yield live


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def _redis_server() -> Iterator[str]:
    """A throw-away `redis-server` on a free loopback port; its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        msg = "the catalogue benchmark needs redis-server: apt-get install -y redis-server"
        raise SystemExit(msg)
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
            if time.monotonic() > deadline:
                raise SystemExit("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _hits(catalogue: Any, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        await catalogue.products(**QUERY)
    return (time.perf_counter() - started) / count * 1e6


async def _reads(sizes: Sizes, repetitions: int) -> Table:
    """A hit against the uncached call; 10,000 readers of one cold key."""
    from econtract_async.catalogue import Catalogue

    table = Table(
        f"Catalogue cache: one read, at {LATENCY * 1000:g} ms API latency, median (min-max)",
        ["read", "per read", "API calls"],
    )
    with _sandbox() as live:
        sandbox = live.sandbox
        async with _client(live.base_url) as ec, Catalogue(ec) as catalogue:
            uncached = []
            for _ in range(sizes.uncached):
                started = time.perf_counter()
                await ec.product.products.list(**QUERY)
                uncached.append((time.perf_counter() - started) * 1000)
            products = len(await catalogue.products(**QUERY))
            hits = Sample([await _hits(catalogue, sizes.hits) for _ in range(repetitions)])
            table.rows.append(
                [
                    "uncached `ec.product.products.list` (SDK, loopback sandbox)",
                    f"{Sample(uncached).cell(1)} ms",
                    "1 list",
                ]
            )
            table.rows.append(
                ["cached, in-process hit `catalogue.products(...)`", f"{hits.cell(2)} µs", "0"]
            )
        sandbox.calls.clear()
        errors = 0
        async with _client(live.base_url) as ec, Catalogue(ec) as catalogue:

            async def read() -> None:
                nonlocal errors
                try:
                    await catalogue.products(cat="mobile", lang="fr")
                except Exception:
                    errors += 1

            started = time.perf_counter()
            async with anyio.create_task_group() as group:
                for _ in range(sizes.cold_readers):
                    group.start_soon(read)
            elapsed = (time.perf_counter() - started) * 1000
        lists, lasts = sandbox.calls[LIST], sandbox.calls[LAST]
        table.rows.append(
            [
                f"{sizes.cold_readers:,} concurrent readers of one cold key",
                f"{elapsed:,.0f} ms for all",
                f"{lists} list, {lasts} last_updated, {errors} errors",
            ]
        )
    table.notes.append(
        f"Target: a hit <= {HIT_TARGET_US:g} µs: "
        + verdict(
            hits.median <= HIT_TARGET_US,
            f"{hits.median:.2f} µs, "
            f"{Sample(uncached).median * 1000 / hits.median:,.0f}x faster than uncached",
        )
        + f"; {sizes.cold_readers:,} cold readers -> exactly 1 list request and 0 errors: "
        + verdict(lists == 1 and errors == 0, f"{lists} list, {errors} errors")
        + "."
    )
    table.notes.append(
        f'The hit is `await catalogue.products(cat="internet", lang="nl")` on a fresh '
        f"entry, {sizes.hits:,} times in a row per repetition; the list answers "
        f"{products} products. The cold key waits for one `last_updated` and "
        "one list call, both at the sandbox's latency."
    )
    return table


async def _steady(sizes: Sizes) -> Table:
    """`run_rate` reads/s for `run_seconds`, TTL `run_ttl`, one catalogue change half-way."""
    from econtract_async.catalogue import Catalogue, CatalogueSettings

    settings = CatalogueSettings(ttl=sizes.run_ttl, max_stale=sizes.run_ttl)
    with _sandbox() as live:
        sandbox = live.sandbox
        async with _client(live.base_url) as ec, Catalogue(ec, settings=settings) as catalogue:
            call_started = time.perf_counter()
            await ec.product.products.list(**QUERY)
            await ec.product.products.last_updated(cat="internet")
            one_refresh = time.perf_counter() - call_started
            sandbox.calls.clear()
            first = await catalogue.products(**QUERY)
            before = [p.price.monthly if p.price else None for p in first]
            started = time.perf_counter()
            change_at = started + sizes.run_seconds / 2
            changed_at: float | None = None
            fresh_at: float | None = None
            reads = errors = 0
            batch = max(1, sizes.run_rate // 100)
            tick = batch / sizes.run_rate
            next_tick = started
            while (now := time.perf_counter()) < started + sizes.run_seconds:
                if changed_at is None and now >= change_at:
                    sandbox.change_catalogue(cat="internet")
                    changed_at = time.perf_counter()
                for _ in range(batch):
                    try:
                        found = await catalogue.products(**QUERY)
                    except Exception:
                        errors += 1
                        continue
                    reads += 1
                    if (
                        changed_at is not None
                        and fresh_at is None
                        and [p.price.monthly if p.price else None for p in found] != before
                    ):
                        fresh_at = time.perf_counter()
                next_tick += tick
                await anyio.sleep(max(0.0, next_tick - time.perf_counter()))
            stats = catalogue.stats
        lists, lasts = sandbox.calls[LIST], sandbox.calls[LAST]
    delay = (fresh_at - changed_at) if fresh_at is not None and changed_at is not None else None
    bound = sizes.run_ttl + one_refresh
    expected_lasts = sizes.run_seconds / sizes.run_ttl
    table = Table(
        f"Catalogue cache: {sizes.run_seconds:g} s at {sizes.run_rate:,} reads/s, TTL "
        f"{sizes.run_ttl:g} s, one catalogue change",
        [
            "reads",
            "errors",
            "list calls",
            "last_updated calls",
            "stale served",
            "change -> first fresh read",
        ],
        [
            [
                f"{reads:,}",
                str(errors),
                str(lists),
                str(lasts),
                f"{stats.stale_served:,}",
                "never" if delay is None else f"{delay:.2f} s",
            ]
        ],
    )
    table.notes.append(
        f"Expected about {expected_lasts:.0f} `last_updated` + 2 list calls for the key: "
        + verdict(lists == 2 and abs(lasts - expected_lasts) <= 2, f"{lasts} + {lists}")
        + f"; a fresh read within TTL + one refresh ({sizes.run_ttl:g} s + "
        f"{one_refresh * 1000:.0f} ms, measured: `last_updated` then the list, uncached): "
        + verdict(
            delay is not None and delay <= bound, "never" if delay is None else f"{delay:.2f} s"
        )
        + "."
    )
    table.notes.append(
        f"One key (`cat=internet, lang=nl`), read in batches of {batch} every "
        f"{tick * 1000:g} ms; `max_stale` = TTL, so readers never wait: the background "
        "revalidation runs while they get the current entry."
    )
    return table


async def _redis_hits(redis_url: str, sizes: Sizes, repetitions: int) -> Sample:
    from econtract_async.catalogue import Catalogue, RedisStore

    with _sandbox() as live:
        store = RedisStore(redis_url, prefix="bench:hits:")
        async with _client(live.base_url) as ec, Catalogue(ec, store=store) as catalogue:
            await catalogue.products(**QUERY)
            sample = Sample([await _hits(catalogue, sizes.redis_hits) for _ in range(repetitions)])
        await store.aclose()
    return sample


def _processes(redis_url: str, sizes: Sizes) -> tuple[int, int, int, int, list[dict[str, Any]]]:
    """4 processes reading one key on one Redis while the catalogue changes `changes` times."""
    with _sandbox() as live:
        sandbox = live.sandbox
        prefix = f"bench:procs:{time.time_ns()}:"
        command = [
            sys.executable,
            "-m",
            "bench.catalogue",
            "--worker",
            live.base_url,
            redis_url,
            prefix,
            str(sizes.worker_ttl),
            str(sizes.worker_seconds),
        ]
        workers = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(4)]
        try:
            for worker in workers:
                assert worker.stdout is not None
                assert worker.stdout.readline().strip() == "ready"
            started = time.monotonic()
            for index in range(sizes.changes):
                at = started + sizes.worker_seconds * (index + 1) / (sizes.changes + 1)
                time.sleep(max(0.0, at - time.monotonic()))
                sandbox.change_catalogue(cat="internet")
            reports = []
            for worker in workers:
                assert worker.stdout is not None
                reports.append(json.loads(worker.stdout.readline()))
        finally:
            for worker in workers:
                worker.wait(timeout=60)
                if worker.stdout is not None:
                    worker.stdout.close()
        return sandbox.calls[LIST], sandbox.calls[LAST], sizes.changes, 4, reports


async def _worker(base_url: str, redis_url: str, prefix: str, ttl: float, seconds: float) -> None:
    """One process of the 4-process figure: read the key every 5 ms for `seconds`."""
    from econtract_async.catalogue import Catalogue, CatalogueSettings, RedisStore

    store = RedisStore(redis_url, prefix=prefix)
    settings = CatalogueSettings(ttl=ttl, max_stale=ttl)
    async with _client(base_url) as ec, Catalogue(ec, settings=settings, store=store) as catalogue:
        print("ready", flush=True)
        reads = errors = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                await catalogue.products(**QUERY)
                reads += 1
            except Exception:
                errors += 1
            await anyio.sleep(0.005)
        print(
            json.dumps({"reads": reads, "errors": errors, **catalogue.stats.as_dict()}), flush=True
        )
    await store.aclose()


def _redis_table(sizes: Sizes, repetitions: int) -> Table:
    with _redis_server() as url:
        hits = anyio.run(_redis_hits, url, sizes, repetitions)
        lists, lasts, changes, processes, reports = _processes(url, sizes)
    refreshes = sum(r["refreshes"] for r in reports)
    errors = sum(r["errors"] for r in reports)
    reads = sum(r["reads"] for r in reports)
    table = Table(
        "Catalogue cache: the Redis store on loopback, median (min-max)",
        ["figure", "measured"],
        [
            [
                "hit `catalogue.products(...)` (one `HGET` of the entry's metadata)",
                f"{hits.cell(1)} µs",
            ],
            [
                f"{processes} processes, {sizes.worker_seconds:g} s, TTL {sizes.worker_ttl:g} s, "
                f"{changes} catalogue changes: reads, errors",
                f"{reads:,} reads, {errors} errors",
            ],
            [
                "  list calls in all (1 cold + 1 per change), refetches",
                f"{lists} list, {refreshes} refetches",
            ],
            ["  `last_updated` calls in all", str(lasts)],
        ],
    )
    table.notes.append(
        f"Targets: a hit <= {REDIS_HIT_TARGET_US:g} µs: "
        + verdict(hits.median <= REDIS_HIT_TARGET_US, f"{hits.median:.0f} µs")
        + f"; one refresh per change across {processes} processes: "
        + verdict(
            lists == 1 + changes and refreshes == changes,
            f"{lists} list calls, {refreshes} refetches for {changes} changes",
        )
        + "."
    )
    table.notes.append(
        "The processes read one key every 5 ms each, sharing entries through one "
        "`redis-server`; the refresher of a key holds its lock, the others keep serving "
        "the current entry (`max_stale` = TTL) and pick up the refreshed one."
    )
    return table


def tables(smoke: bool, repetitions: int) -> list[Table]:
    """Every catalogue figure, as tables for docs/benchmarks.md."""
    sizes = SMOKE if smoke else FULL
    return [
        anyio.run(_reads, sizes, repetitions),
        anyio.run(_steady, sizes),
        _redis_table(sizes, repetitions),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.catalogue")
    parser.add_argument("--worker", nargs=5, metavar=("SANDBOX", "REDIS", "PREFIX", "TTL", "S"))
    args = parser.parse_args(argv)
    if args.worker:
        base, redis_url, prefix, ttl, seconds = args.worker
        anyio.run(_worker, base, redis_url, prefix, float(ttl), float(seconds))
        return
    for table in tables(smoke=True, repetitions=2):
        print(table.render())


if __name__ == "__main__":
    main()
