"""Figures 1 and 2: bulk lead import throughput at 20 ms, and SDK CPU per request at 0 ms.

Every client runs in this process (pinned to the client core) against `bench._server` in its own
process (pinned to the other core). Each client gets as many connections as it has requests in
flight, so the pool is never the limit.
"""

from __future__ import annotations

import asyncio
import itertools
import resource
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ._common import Sample, Table, lead_row, repeat, repeat_interleaved, rows, verdict
from ._server import running

HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
BULK_VS_AIOHTTP = 0.85
BULK_VS_SEQUENTIAL = 45.0
CPU_ADDED_US = 50.0


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


def _sdk(base: str, in_flight: int) -> Any:
    import httpx

    from econtract_async import CrmKeyAuth, EcontractClient

    return EcontractClient(
        crm_auth=CrmKeyAuth("bench", "bench-key"),
        crm_base_url=base,
        limits=httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight),
        max_retries=0,
    )


async def sdk_bulk(base: str, count: int, in_flight: int, journal: Any = None) -> None:
    """`ec.crm.leads.bulk_create` over CSV-like dict rows: validate, encode, auth, send, parse
    (and with `journal`, claim, commit and record every row in it)."""
    async with _sdk(base, in_flight) as ec:
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


async def sdk_create(base: str, count: int, in_flight: int, models: list[Any]) -> None:
    """`ec.crm.leads.create(model)` with prebuilt models, `in_flight` at a time."""
    async with _sdk(base, in_flight) as ec:

        async def send(i: int) -> None:
            await ec.crm.leads.create(models[i % len(models)])

        await _pool(count, in_flight, send)


async def httpx_raw(
    base: str, count: int, in_flight: int, bodies: list[bytes], aiohttp_transport: bool
) -> None:
    """`httpx.AsyncClient.post` of pre-encoded bodies, JSON parsed."""
    import httpx

    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
    transport: httpx.AsyncBaseTransport
    if aiohttp_transport:
        from httpx_aiohttp import AiohttpTransport

        transport = AiohttpTransport(limits=limits)
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
        "econtract_async `ec.crm.leads.bulk_create` (validation, encoding, auth, parsing)",
        "raw `httpx.AsyncClient`, default transport (pre-encoded)",
        "raw `httpx.AsyncClient` over `httpx_aiohttp.AiohttpTransport` (pre-encoded)",
        "raw `aiohttp.ClientSession` (pre-encoded)",
    ]
    with running(latency) as base:
        for level in levels:
            count = level * per_flight
            runs: list[Callable[[], Awaitable[None]]] = [
                lambda: sdk_bulk(base, count, level),  # noqa: B023 (run before the loop moves on)
                lambda: httpx_raw(base, count, level, bodies, False),  # noqa: B023
                lambda: httpx_raw(base, count, level, bodies, True),  # noqa: B023
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
    sdk_name, aio_name = names[0], names[3]
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
    """Client-process CPU µs per request at 0 ms latency: the SDK next to its transport."""
    from econtract_async.crm import ThirdPartyLead

    bodies = _bodies(500)
    models = [ThirdPartyLead.from_mapping(lead_row(i)) for i in range(500)]
    with running(0.0) as base:
        samples = repeat_interleaved(
            {
                "sdk": _cpu_us(lambda: sdk_create(base, count, in_flight, models), count),
                "bulk": _cpu_us(lambda: sdk_bulk(base, count, in_flight), count),
                "transport": _cpu_us(
                    lambda: httpx_raw(base, count, in_flight, bodies, True), count
                ),
                "httpx": _cpu_us(lambda: httpx_raw(base, count, in_flight, bodies, False), count),
                "aiohttp": _cpu_us(lambda: aiohttp_raw(base, count, in_flight, bodies), count),
            },
            repetitions,
        )
    sdk, bulk, transport = samples["sdk"], samples["bulk"], samples["transport"]
    plain_httpx, raw = samples["httpx"], samples["aiohttp"]
    table = Table(
        f"CPU per request: client user+sys µs / requests, 0 ms latency, {in_flight} in flight, "
        f"{count:,} requests per repetition",
        ["client", "µs per request, median (min-max)", "added over its transport"],
    )
    # On asyncio the SDK sends through aiohttp directly (src/econtract_async/_aiohttp.py).
    added = sdk.median - raw.median
    table.rows.append(
        ["econtract_async `ec.crm.leads.create(model)`", sdk.cell(1), f"{added:+.1f} µs"]
    )
    table.rows.append(
        [
            "econtract_async `bulk_create` from dict rows (incl. validation)",
            bulk.cell(1),
            f"{bulk.median - raw.median:+.1f} µs",
        ]
    )
    table.rows.append(["its transport: raw aiohttp (pre-encoded)", raw.cell(1), "(anchor)"])
    table.rows.append(["raw httpx over `AiohttpTransport`", transport.cell(1), ""])
    table.rows.append(["raw httpx, default transport", plain_httpx.cell(1), ""])
    table.notes.append(
        f"Target: SDK CPU added per request <= {CPU_ADDED_US:g} µs over its transport: "
        + verdict(added <= CPU_ADDED_US, f"{added:+.1f} µs for `create(model)`")
        + ". Clients take turns, repetition by repetition. The SDK's work per request: auth, form encoding, request building, logging check, "
        "redaction closure, JSON parsing and model decoding; the model is built (and validated) "
        "beforehand. The bulk row adds validating each dict row and the bulk machinery."
    )
    return table
