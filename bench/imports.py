"""Figure 4: `import econtract_async` wall time next to `import httpx`, in fresh interpreters."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from ._common import ROOT, Sample, Table, verdict

TARGET_RATIO = 1.35
_PROGRAM = (
    "import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
)


def _import_ms(module: str, env: dict[str, str]) -> float:
    """Milliseconds to import `module` in a fresh interpreter (startup not counted)."""
    output = subprocess.run(
        [sys.executable, "-c", _PROGRAM.format(module=module)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(output.strip())


def import_table(repetitions: int) -> Table:
    """Median import time of both modules, measured alternately so load drifts hit both."""
    modules = ("httpx", "econtract_async")
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
        for module in modules:
            _import_ms(module, env)  # warm-up: writes the bytecode cache, as an install would
        samples: dict[str, list[float]] = {m: [] for m in modules}
        for _ in range(repetitions):
            for module in modules:
                samples[module].append(_import_ms(module, env))
    httpx_ms, ours = Sample(samples["httpx"]), Sample(samples["econtract_async"])
    ratio = ours.median / httpx_ms.median
    table = Table(
        "Import time: ms in a fresh interpreter, median (min-max)",
        ["import", "ms", "vs `import httpx`"],
    )
    table.rows.append(["`import httpx`", httpx_ms.cell(1), "1.00x"])
    table.rows.append(["`import econtract_async`", ours.cell(1), f"{ratio:.2f}x"])
    table.notes.append(
        f"Target: <= {TARGET_RATIO:g}x `import httpx`: "
        + verdict(ratio <= TARGET_RATIO, f"{ratio:.2f}x")
        + ". Bytecode is cached (as after `pip install`) in a temporary `PYTHONPYCACHEPREFIX`; "
        "`import httpx` itself loads click and rich for its CLI when they are installed, as "
        "here. `import econtract_async` defers cattrs, asyncio, aiohttp and the generated "
        "models until first use (`python -X importtime -c 'import econtract_async'`)."
    )
    return table
