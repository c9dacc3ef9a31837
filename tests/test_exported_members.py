"""The public surface: `__all__` is sorted and complete, and public import paths never need `_generated`."""

from __future__ import annotations

import types

import econtract_async
import econtract_async.crm
import econtract_async.product


def isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS first, then CamelCase classes, then everything else."""
    if name.isupper():
        return (0, name)
    if name[0].isupper():
        return (1, name)
    return (2, name)


def test_all_is_sorted() -> None:
    """`__all__` is in isort style: constants, classes, then dunders and functions alphabetically."""
    assert econtract_async.__all__ == sorted(econtract_async.__all__, key=isort_key)


def test_all_equals_the_public_names() -> None:
    """Every public, non-module attribute is in `__all__`, and every name in it exists."""
    public = {
        name
        for name, value in vars(econtract_async).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(econtract_async.__all__) == public | {"__version__"}
    assert len(set(econtract_async.__all__)) == len(econtract_async.__all__)


def test_every_public_object_has_a_docstring() -> None:
    """Every exported class and function documents itself."""
    for name in econtract_async.__all__:
        value = getattr(econtract_async, name)
        if isinstance(value, type | types.FunctionType):
            assert value.__doc__, name


def test_crm_and_product_models_import_from_their_public_homes() -> None:
    """`from econtract_async.crm import Order` works for every name listed, and lists are non-empty."""
    for module in (econtract_async.crm, econtract_async.product):
        assert module.__all__
        for name in module.__all__:
            assert getattr(module, name) is not None, f"{module.__name__}.{name}"
    from econtract_async.crm import Client, ElectricityOrder, Order  # noqa: F401
    from econtract_async.product import Product  # noqa: F401


def test_crm_and_product_do_not_overlap_and_hide_private_names() -> None:
    """No name is exported twice under different homes, and none is private."""
    crm, product = set(econtract_async.crm.__all__), set(econtract_async.product.__all__)
    assert not crm & product
    assert not any(name.startswith("_") for name in crm | product)
