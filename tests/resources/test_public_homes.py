"""Every generated class is defined in its public module (`econtract_async.crm`,
`econtract_async.product`): `repr`, tracebacks, pickling and copies all name it there."""

from __future__ import annotations

import copy
import pickle
import sys
from types import ModuleType
from typing import Any

import pytest

from econtract_async import EcontractClient, crm, product
from econtract_async._generated import MODELS, RESOURCES
from econtract_async._model import RequestModel

from .examples import example_model, wire_data

PUBLIC_CLASSES = [
    (module, name)
    for module in (crm, product)
    for name in module.__all__
    if isinstance(getattr(module, name), type)
]


def test_every_exported_name_is_a_class() -> None:
    """The public modules export classes only: models, TypedDicts, resources, namespaces."""
    assert len(PUBLIC_CLASSES) == len(crm.__all__) + len(product.__all__)


@pytest.mark.parametrize(
    ("module", "name"), PUBLIC_CLASSES, ids=[f"{m.__name__}.{n}" for m, n in PUBLIC_CLASSES]
)
def test_class_is_defined_in_its_public_module(module: ModuleType, name: str) -> None:
    """`__module__` and `__qualname__` are the public path, and `repr` shows it."""
    cls = getattr(module, name)
    assert cls.__module__ == module.__name__
    assert cls.__qualname__ == name
    assert repr(cls) == f"<class '{module.__name__}.{name}'>"
    assert "_generated" not in repr(cls)


def test_the_tables_hold_the_public_classes() -> None:
    """`MODELS` and `RESOURCES` (what the sandbox and the docs read) hold those same classes."""
    for cls in [*MODELS.values(), *RESOURCES.values()]:
        assert getattr(sys.modules[cls.__module__], cls.__qualname__) is cls
        assert cls.__module__ in {"econtract_async.crm", "econtract_async.product"}
    assert repr(crm.Client) == "<class 'econtract_async.crm.Client'>"


def test_the_client_mounts_the_public_classes() -> None:
    """`ec.crm`, `ec.crm.clients` and `ec.products` are instances of the exported classes."""
    ec = EcontractClient()
    assert type(ec.crm) is crm.CrmNamespace
    assert type(ec.crm.clients) is crm.ClientsResource
    assert type(ec.product) is product.ProductNamespace
    assert type(ec.products) is product.ProductsResource


def _models() -> list[tuple[type[Any], Any]]:
    out = []
    for cls in MODELS.values():
        if issubclass(cls, RequestModel):
            out.append((cls, example_model(cls, full=True)))
        else:
            out.append((cls, cls.from_dict(wire_data(cls))))
    return out


MODEL_INSTANCES = _models()


@pytest.mark.parametrize(
    ("cls", "model"), MODEL_INSTANCES, ids=[cls.__name__ for cls, _ in MODEL_INSTANCES]
)
def test_models_pickle_and_copy(cls: type[Any], model: Any) -> None:
    """A model survives pickle (which finds the class by its public path) and copies."""
    assert type(model) is cls
    data = pickle.dumps(model)
    assert f"{cls.__module__}".encode() in data
    assert b"_generated" not in data
    assert pickle.loads(data) == model
    assert copy.copy(model) == model
    assert copy.deepcopy(model) == model
