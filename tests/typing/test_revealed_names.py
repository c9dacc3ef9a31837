"""mypy names every SDK type by its public home: `econtract_async.crm.Client`, never a
`_generated` path (what IDE hovers, `reveal_type` and error messages show users).

`assert_type` in check_public_api.py cannot see this: a re-exported class is the same class.
Only the text a checker prints names the module it found the class defined in, so this runs
mypy on a small file of `reveal_type` calls and reads what it says.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from econtract_async._generated import ENDPOINTS
from econtract_async._meta import EndpointMeta

ROOT = Path(__file__).resolve().parents[2]


def _attribute(endpoint: EndpointMeta) -> str:
    return f"ec.{endpoint.api}.{endpoint.resource}"


PROBE = [
    ("await ec.crm.clients.get(63)", "econtract_async.crm.Client"),
    ("await ec.crm.orders.create({})", "econtract_async.crm.Order"),
    ("await ec.products.list(cat='internet')", "list[econtract_async.product.Product]"),
    ("ec.crm", "econtract_async.crm.CrmNamespace"),
    ("ec.product", "econtract_async.product.ProductNamespace"),
    ("ec.products", "econtract_async.product.ProductsResource"),
    # Every method: its overloads name each request model, its TypedDict of keywords and the
    # response model.
    *((f"{_attribute(e)}.{e.name}", "") for e in ENDPOINTS),
]


@pytest.fixture(scope="module")
def revealed(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """mypy's note for each PROBE expression, in order."""
    tmp = tmp_path_factory.mktemp("reveal")
    lines = ["from econtract_async import EcontractClient", "", ""]
    lines.append("async def probe(ec: EcontractClient) -> None:")
    lines += [f"    reveal_type({expression})" for expression, _ in PROBE]
    (tmp / "probe.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp / ".mypy_cache"),
            str(tmp / "probe.py"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    notes = re.findall(r'probe\.py:(\d+): note: Revealed type is "(.*)"', result.stdout)
    assert [int(line) for line, _ in notes] == list(range(5, 5 + len(PROBE))), (
        result.stdout + result.stderr
    )
    return [text for _, text in notes]


@pytest.mark.parametrize(("index", "probe"), list(enumerate(PROBE)), ids=[p for p, _ in PROBE])
def test_revealed_type_names_the_public_module(
    revealed: list[str], index: int, probe: tuple[str, str]
) -> None:
    """Each revealed type is the expected public name, and no type mentions `_generated`."""
    text = revealed[index]
    assert "_generated" not in text
    _, expected = probe
    assert expected in text


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.key for e in ENDPOINTS])
def test_every_method_signature_names_its_models_publicly(
    revealed: list[str], endpoint: EndpointMeta
) -> None:
    """A method's revealed signature names its request and response models by public path."""
    text = revealed[PROBE.index((f"{_attribute(endpoint)}.{endpoint.name}", ""))]
    home = f"econtract_async.{endpoint.api}"
    for model in (*endpoint.request, *(m for m in (endpoint.response,) if m is not None)):
        assert f"{home}.{model.__name__}" in text
    for model in endpoint.request:
        keywords = (f"{home}.{model.__name__}{kind}" for kind in ("Params", "Keywords"))
        assert any(name in text for name in keywords), model.__name__
