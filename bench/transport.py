"""Transport figures: bulk import and request throughput at 20 ms, SDK CPU per request at 0 ms.

Every client runs in this process (pinned to the client core) against `bench._server` in its own
process (pinned to the other core). Each client gets as many connections as it has requests in
flight, so the pool is never the limit. Both SDK backends (httpx, the default, and aiohttp) are
measured side by side with the raw clients they send through.
"""

from __future__ import annotations

import asyncio
import itertools
import resource
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from ._common import Sample, Table, lead_row, repeat, repeat_interleaved, rows, verdict
from ._server import running

HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"}
BULK_VS_AIOHTTP = 0.85
BULK_VS_SEQUENTIAL = 45.0
CPU_ADDED_US = 40.0
DEFAULT_VS_ONE_POOL = 5.0
CHART = Path(__file__).resolve().parent.parent / "docs" / "throughput.svg"


def _bodies(count: int) -> list[bytes]:
    """Pre-encoded form bodies of `count` leads, with credentials, as the raw anchors send."""
    from econtract_async._encoding import encode_form, encode_pairs
    from econtract_async.crm import ThirdPartyLead

    out = []
    for i in range(count):
        pairs = encode_pairs(ThirdPartyLead.from_mapping(lead_row(i)))
        pairs += [("crm_api_id", "bench"), ("crm_api_key", "bench-key")]
        out.append(encode_form(pairs).encode())
    return out


async def _pool(count: int, in_flight: int, send: Callable[[int], Awaitable[None]]) -> None:
    """`count` sends, `in_flight` at a time, by `in_flight` workers sharing one counter."""
    counter = itertools.count()

    async def worker() -> None:
        for i in counter:
            if i >= count:
                return
            await send(i)

    await asyncio.gather(*(worker() for _ in range(in_flight)))


def _limits(in_flight: int) -> Any:
    import httpx

    return httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)


def _sdk(base: str, in_flight: int, backend: str = "httpx", pool_size: int | None = None) -> Any:
    from econtract_async import CrmKeyAuth, EcontractClient
    from econtract_async._transport import PooledTransport

    options: dict[str, Any] = {"http_backend": backend, "limits": _limits(in_flight)}
    if pool_size is not None:
        options = {"transport": PooledTransport(_limits(in_flight), pool_size=pool_size)}
    return EcontractClient(
        crm_auth=CrmKeyAuth("bench", "bench-key"), crm_base_url=base, max_retries=0, **options
    )


async def sdk_bulk(
    base: str, count: int, in_flight: int, backend: str = "aiohttp", journal: Any = None
) -> None:
    """`ec.crm.leads.bulk_create` over CSV-like dict rows: validate, encode, auth, send, parse
    (and with `journal`, claim, commit and record every row in it)."""
    async with _sdk(base, in_flight, backend) as ec:
        summary = await ec.crm.leads.bulk_create(
            rows(count), lead_type="third_party", concurrency=in_flight, journal=journal
        )
    if summary.created != count:
        msg = f"bulk_create created {summary.created} of {count}: {summary}"
        raise RuntimeError(msg)


async def sdk_sequential(base: str, count: int, in_flight: int) -> None:
    """One lead at a time, awaiting each answer (the PHP package's pattern), through the SDK."""
    from econtract_async.crm import ThirdPartyLead

    async with _sdk(base, 1) as ec:
        for i in range(count):
            created = await ec.crm.leads.create(ThirdPartyLead.from_mapping(lead_row(i)))
            assert created.id is not None


async def sdk_create(
    base: str,
    count: int,
    in_flight: int,
    models: list[Any],
    backend: str = "httpx",
    pool_size: int | None = None,
) -> None:
    """`ec.crm.leads.create(model)` with prebuilt models, `in_flight` at a time."""
    async with _sdk(base, in_flight, backend, pool_size) as ec:

        async def send(i: int) -> None:
            await ec.crm.leads.create(models[i % len(models)])

        await _pool(count, in_flight, send)


async def httpx_raw(
    base: str, count: int, in_flight: int, bodies: list[bytes], kind: str = "one pool"
) -> None:
    """`httpx.AsyncClient.post` of pre-encoded bodies, JSON parsed.

    `kind`: `one pool` (one httpcore pool of `in_flight` connections), `default limits`
    (httpx's own `Limits()`: 100 connections, 20 kept alive), `pooled` (the SDK's
    `PooledTransport`, the same pool the SDK uses), `aiohttp transport` (httpx-aiohttp).
    """
    import httpx

    from econtract_async._transport import PooledTransport

    limits = _limits(in_flight) if kind != "default limits" else httpx.Limits()
    transport: httpx.AsyncBaseTransport
    if kind == "aiohttp transport":
        from httpx_aiohttp import AiohttpTransport

        transport = AiohttpTransport(limits=limits)
    elif kind == "pooled":
        transport = PooledTransport(limits)
    else:
        transport = httpx.AsyncHTTPTransport(limits=limits)
    async with httpx.AsyncClient(transport=transport, limits=limits) as client:
        url = base + "/api/leads"

        async def send(i: int) -> None:
            response = await client.post(url, content=bodies[i % len(bodies)], headers=HEADERS)
            response.raise_for_status()
            response.json()

        await _pool(count, in_flight, send)


async def aiohttp_raw(base: str, count: int, in_flight: int, bodies: list[bytes]) -> None:
    """`aiohttp.ClientSession.post` of pre-encoded bodies, JSON parsed."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:
        url = base + "/api/leads"

        async def send(i: int) -> None:
            async with session.post(url, data=bodies[i % len(bodies)], headers=HEADERS) as r:
                r.raise_for_status()
                await r.json()

        await _pool(count, in_flight, send)


def _rate(run: Callable[[], Awaitable[None]], count: int) -> Callable[[], float]:
    """A measurement: requests per second of one `run`."""

    def measure() -> float:
        started = time.perf_counter()
        asyncio.run(run())  # type: ignore[arg-type]
        return count / (time.perf_counter() - started)

    return measure


def _cpu_us(run: Callable[[], Awaitable[None]], count: int) -> Callable[[], float]:
    """A measurement: user+sys CPU µs of this process per request of one `run`."""

    def measure() -> float:
        before = resource.getrusage(resource.RUSAGE_SELF)
        asyncio.run(run())  # type: ignore[arg-type]
        after = resource.getrusage(resource.RUSAGE_SELF)
        spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return spent / count * 1e6

    return measure


def bulk_table(
    levels: list[int], per_flight: int, sequential: int, latency: float, repetitions: int
) -> Table:
    """Leads per second at `latency` seconds of server latency, for each in-flight level."""
    bodies = _bodies(500)
    results: dict[tuple[str, int], Sample] = {}
    names = [
        "econtract_async `bulk_create`, aiohttp backend (the CLI's; validation, encoding, auth, parsing)",
        "econtract_async `bulk_create`, default httpx backend",
        "raw `httpx.AsyncClient`, one pool (pre-encoded)",
        "raw `httpx.AsyncClient` over `httpx_aiohttp.AiohttpTransport` (pre-encoded)",
        "raw `aiohttp.ClientSession` (pre-encoded)",
    ]
    with running(latency) as base:
        for level in levels:
            count = level * per_flight
            runs: list[Callable[[], Awaitable[None]]] = [
                lambda: sdk_bulk(base, count, level),  # noqa: B023 (run before the loop moves on)
                lambda: sdk_bulk(base, count, level, "httpx"),  # noqa: B023
                lambda: httpx_raw(base, count, level, bodies, "one pool"),  # noqa: B023
                lambda: httpx_raw(base, count, level, bodies, "aiohttp transport"),  # noqa: B023
                lambda: aiohttp_raw(base, count, level, bodies),  # noqa: B023
            ]
            measures = {name: _rate(run, count) for name, run in zip(names, runs, strict=True)}
            for name, sample in repeat_interleaved(measures, repetitions).items():
                results[name, level] = sample
        seq = repeat(_rate(lambda: sdk_sequential(base, sequential, 1), sequential), repetitions)
    table = Table(
        f"Bulk lead import: leads/s at {latency * 1000:g} ms server latency, median (min-max)",
        ["client", *(f"{level} in flight" for level in levels)],
    )
    for name in names:
        table.rows.append([name, *(results[name, level].cell(0) for level in levels)])
    table.rows.append(
        ["sequential, one at a time (the PHP package's pattern), via the SDK"]
        + [seq.cell(1) for _ in levels]
    )
    table.rows.append(
        ["Little's-law bound (in flight / latency)"]
        + [f"{level / latency:,.0f}" for level in levels]
    )
    sdk_name, aio_name = names[0], names[4]
    table.rows.append(
        ["SDK / raw aiohttp"]
        + [f"{results[sdk_name, lv].median / results[aio_name, lv].median:.2f}x" for lv in levels]
    )
    table.rows.append(
        ["SDK / sequential"]
        + [f"{results[sdk_name, lv].median / seq.median:.1f}x" for lv in levels]
    )
    target_level = 64 if 64 in levels else levels[len(levels) // 2]
    sdk_rate = results[sdk_name, target_level].median
    vs_aio = sdk_rate / results[aio_name, target_level].median
    vs_seq = sdk_rate / seq.median
    table.notes.append(
        f"Target at {target_level} in flight: >= {BULK_VS_AIOHTTP:g}x raw aiohttp: "
        + verdict(vs_aio >= BULK_VS_AIOHTTP, f"{vs_aio:.2f}x")
        + f"; >= {BULK_VS_SEQUENTIAL:g}x sequential: "
        + verdict(vs_seq >= BULK_VS_SEQUENTIAL, f"{vs_seq:.1f}x")
        + "."
    )
    table.notes.append(
        f"Each repetition sends {per_flight} x in-flight leads (sequential: {sequential}) to a "
        "fresh client; clients take turns, repetition by repetition; rows are 24-column CSV-like dicts (no journal). The SDK pool, the httpx "
        "limits and the aiohttp connector all allow as many connections as leads in flight. "
        "The raw clients post bodies encoded beforehand (credentials included) and parse the "
        "JSON answer."
    )
    return table


def cpu_table(count: int, in_flight: int, repetitions: int) -> Table:
    """Client-process CPU µs per request at 0 ms latency: each SDK backend next to its transport."""
    from econtract_async.crm import ThirdPartyLead

    bodies = _bodies(500)
    models = [ThirdPartyLead.from_mapping(lead_row(i)) for i in range(500)]
    with running(0.0) as base:
        samples = repeat_interleaved(
            {
                "sdk httpx": _cpu_us(lambda: sdk_create(base, count, in_flight, models), count),
                "raw httpx": _cpu_us(
                    lambda: httpx_raw(base, count, in_flight, bodies, "pooled"), count
                ),
                "sdk aiohttp": _cpu_us(
                    lambda: sdk_create(base, count, in_flight, models, "aiohttp"), count
                ),
                "raw aiohttp": _cpu_us(lambda: aiohttp_raw(base, count, in_flight, bodies), count),
                "bulk": _cpu_us(lambda: sdk_bulk(base, count, in_flight), count),
                "one pool": _cpu_us(
                    lambda: httpx_raw(base, count, in_flight, bodies, "one pool"), count
                ),
            },
            repetitions,
        )
    table = Table(
        f"CPU per request: client user+sys µs / requests, 0 ms latency, {in_flight} in flight, "
        f"{count:,} requests per repetition",
        ["client", "µs per request, median (min-max)", "added over its transport"],
    )
    added_httpx = samples["sdk httpx"].median - samples["raw httpx"].median
    added_aiohttp = samples["sdk aiohttp"].median - samples["raw aiohttp"].median
    table.rows += [
        [
            "econtract_async `create(model)`, httpx backend (default)",
            samples["sdk httpx"].cell(1),
            f"{added_httpx:+.1f} µs",
        ],
        [
            "its transport: raw httpx over the same `PooledTransport` (pre-encoded)",
            samples["raw httpx"].cell(1),
            "(anchor)",
        ],
        [
            "econtract_async `create(model)`, aiohttp backend",
            samples["sdk aiohttp"].cell(1),
            f"{added_aiohttp:+.1f} µs",
        ],
        ["its transport: raw aiohttp (pre-encoded)", samples["raw aiohttp"].cell(1), "(anchor)"],
        [
            "econtract_async `bulk_create` from dict rows, aiohttp backend (incl. validation)",
            samples["bulk"].cell(1),
            f"{samples['bulk'].median - samples['raw aiohttp'].median:+.1f} µs",
        ],
        ["raw httpx, one pool of that many connections", samples["one pool"].cell(1), ""],
    ]
    table.notes.append(
        f"Targets: SDK CPU added per request <= {CPU_ADDED_US:g} µs over its transport: httpx "
        + verdict(added_httpx <= CPU_ADDED_US, f"{added_httpx:+.1f} µs")
        + "; aiohttp "
        + verdict(added_aiohttp <= CPU_ADDED_US, f"{added_aiohttp:+.1f} µs")
        + ". Clients take turns, repetition by repetition. The SDK's work per request: auth, "
        "form encoding, request building, logging check, JSON parsing and model decoding; the "
        "model is built (and validated) beforehand."
    )
    return table


def throughput_table(
    levels: list[int], per_flight: int, latency: float, repetitions: int
) -> list[Table]:
    """Requests per second at `latency` for each backend and raw client, plus the pool-size
    sweep that chose `PooledTransport`'s default; writes docs/throughput.svg."""
    from econtract_async.crm import ThirdPartyLead

    bodies = _bodies(500)
    models = [ThirdPartyLead.from_mapping(lead_row(i)) for i in range(500)]
    names = {
        "sdk httpx": "econtract_async `create(model)`, httpx backend (default)",
        "sdk aiohttp": "econtract_async `create(model)`, aiohttp backend",
        "one pool": "raw `httpx.AsyncClient`, one pool of in-flight connections",
        "default limits": "raw `httpx.AsyncClient`, httpx's default `Limits()`",
        "pooled": "raw `httpx.AsyncClient` over `PooledTransport`",
        "aiohttp": "raw `aiohttp.ClientSession`",
    }
    results: dict[tuple[str, int], Sample] = {}
    sizes = [4, 8, 16, 64]
    sweep: dict[int, Sample] = {}
    sweep_level = 64 if 64 in levels else levels[-1]
    with running(latency) as base:
        for level in levels:
            count = level * per_flight
            runs: dict[str, Callable[[], Awaitable[None]]] = {
                "sdk httpx": lambda: sdk_create(base, count, level, models),  # noqa: B023
                "sdk aiohttp": lambda: sdk_create(base, count, level, models, "aiohttp"),  # noqa: B023
                "one pool": lambda: httpx_raw(base, count, level, bodies, "one pool"),  # noqa: B023
                "default limits": lambda: httpx_raw(base, count, level, bodies, "default limits"),  # noqa: B023
                "pooled": lambda: httpx_raw(base, count, level, bodies, "pooled"),  # noqa: B023
                "aiohttp": lambda: aiohttp_raw(base, count, level, bodies),  # noqa: B023
            }
            measured = repeat_interleaved(
                {key: _rate(run, count) for key, run in runs.items()}, repetitions
            )
            for key, sample in measured.items():
                results[key, level] = sample
        count = sweep_level * per_flight
        sweep_runs = {
            size: _rate(
                lambda size=size: sdk_create(base, count, sweep_level, models, pool_size=size),  # type: ignore[misc]
                count,
            )
            for size in sizes
        }
        sweep = repeat_interleaved(sweep_runs, repetitions)
    table = Table(
        f"Throughput: requests/s at {latency * 1000:g} ms server latency, median (min-max)",
        ["client", *(f"{level} in flight" for level in levels)],
    )
    for key, name in names.items():
        table.rows.append([name, *(results[key, level].cell(0) for level in levels)])
    table.rows.append(
        ["Little's-law bound (in flight / latency)"]
        + [f"{level / latency:,.0f}" for level in levels]
    )
    raw_best = {
        level: max(results[k, level].median for k in ("one pool", "default limits"))
        for level in levels
    }
    beats = all(results["sdk httpx", level].median >= raw_best[level] for level in levels)
    table.notes.append(
        "Target: the default httpx backend >= raw httpx with its best limits (the better of one "
        "pool and the default `Limits()`) at every concurrency: "
        + verdict(
            beats,
            ", ".join(
                f"{level}: {results['sdk httpx', level].median / raw_best[level]:.2f}x"
                for level in levels
            ),
        )
        + "."
    )
    if 64 in levels:
        ratio = results["sdk httpx", 64].median / results["one pool", 64].median
        table.notes.append(
            f"Target: >= {DEFAULT_VS_ONE_POOL:g}x raw httpx with one 64-connection pool at 64 in "
            "flight: " + verdict(ratio >= DEFAULT_VS_ONE_POOL, f"{ratio:.2f}x") + "."
        )
    crossover = next(
        (
            level
            for level in levels
            if results["sdk aiohttp", level].median > 1.1 * results["sdk httpx", level].median
        ),
        None,
    )
    table.notes.append(
        "aiohttp pays off (> 10% more requests/s than the default) from "
        + (f"{crossover} in flight" if crossover else "no measured concurrency")
        + " on this machine. Each repetition sends "
        f"{per_flight} x in-flight leads to a fresh client; clients take turns."
    )
    pools = Table(
        f"Pool size behind `PooledTransport`: SDK requests/s at {sweep_level} in flight, "
        f"{latency * 1000:g} ms latency (the default is 8)",
        ["connections per httpcore pool", "pools", "requests/s, median (min-max)"],
    )
    for size in sizes:
        pools.rows.append([str(size), str(-(-sweep_level // size)), sweep[size].cell(0)])
    _write_chart(
        levels, latency, {names[k]: [results[k, lv].median for lv in levels] for k in names}
    )
    table.notes.append("Chart: `docs/throughput.svg` (docs/performance.md shows it).")
    return [table, pools]


_COLOURS = ("#1f77b4", "#d62728", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e", "#2ca02c")


def _write_chart(levels: list[int], latency: float, series: dict[str, list[float]]) -> None:
    """A line chart of requests/s against requests in flight (log x), with Little's bound."""
    import html
    import math

    width, height, left, right, top, bottom = 760, 420, 70, 250, 20, 50
    series = {**series, "Little's-law bound": [level / latency for level in levels]}
    top_value = max(max(values) for values in series.values()) * 1.05
    lo, hi = math.log(levels[0]), math.log(levels[-1])

    def x(level: int) -> float:
        span = (hi - lo) or 1.0
        return left + (math.log(level) - lo) / span * (width - left - right)

    def y(value: float) -> float:
        return top + (1 - value / top_value) * (height - top - bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="black"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="black"/>',
        f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">requests in flight</text>',
        f'<text x="16" y="{(top + height - bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {(top + height - bottom) / 2})">requests/s at {latency * 1000:g} ms</text>',
    ]
    for level in levels:
        parts.append(
            f'<text x="{x(level):.1f}" y="{height - bottom + 16}" text-anchor="middle">{level}</text>'
        )
    for step in range(5):
        value = top_value * step / 4
        parts.append(
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value:,.0f}</text>'
        )
    for index, (name, values) in enumerate(series.items()):
        colour = _COLOURS[index % len(_COLOURS)]
        dash = ' stroke-dasharray="5,4"' if name.startswith("Little") else ""
        points = " ".join(f"{x(lv):.1f},{y(v):.1f}" for lv, v in zip(levels, values, strict=True))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        label_y = top + 14 + index * 18
        parts.append(
            f'<line x1="{width - right + 10}" y1="{label_y - 4}" x2="{width - right + 30}" '
            f'y2="{label_y - 4}" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        short = html.escape(name.replace("`", "").replace("econtract_async ", "SDK "))[:34]
        parts.append(f'<text x="{width - right + 34}" y="{label_y}">{short}</text>')
    parts.append("</svg>")
    CHART.write_text("\n".join(parts) + "\n")
