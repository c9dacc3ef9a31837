"""Every generated request model: built from valid examples, round-tripped, and robust to any bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from econtract_async import ValidationError
from econtract_async._generated import MODELS
from econtract_async._meta import flatten
from econtract_async._structure import from_mapping

from .examples import example_model, pairs_to_mapping

REQUEST_MODELS = sorted(
    (cls for cls in MODELS.values() if cls.__econtract__.kind != "response"),
    key=lambda cls: cls.__name__,
)
ids = [cls.__name__ for cls in REQUEST_MODELS]

anything = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["", "0", "1", "nl", "2026-11-26", "541448800000000000", "9000"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
quick = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def attempt(build: Callable[[], Any]) -> Any:
    """The built model, or the ValidationError that building raised."""
    try:
        return build()
    except ValidationError as exc:
        return exc


def init_names(cls: type[Any]) -> list[str]:
    return [f.name for f in cls.__econtract__.fields if f.type != "constant"]


@pytest.mark.parametrize("cls", REQUEST_MODELS, ids=ids)
@pytest.mark.parametrize("full", [False, True], ids=["required", "every-field"])
def test_valid_example_builds_and_round_trips_through_the_wire(cls: type[Any], full: bool) -> None:
    """A valid model's wire pairs, decoded like PHP would, structure back into an equal model."""
    model = example_model(cls, full=full)
    wire = model.to_wire()
    sent = pairs_to_mapping(wire)
    assert {f.wire for f in flatten(cls.__econtract__) if f.required} <= set(sent)
    assert from_mapping(cls, pairs_to_mapping(wire)) == model


@pytest.mark.parametrize("cls", REQUEST_MODELS, ids=ids)
def test_constructor_turns_any_bad_input_into_validation_error(cls: type[Any]) -> None:
    """Whatever values are passed for every field, construction succeeds or raises ValidationError."""
    names = init_names(cls)

    @quick
    @given(st.fixed_dictionaries({name: anything for name in names}))
    def run(kwargs: dict[str, Any]) -> None:
        result = attempt(lambda: cls(**kwargs))
        if isinstance(result, ValidationError):
            assert result.errors
            assert {e.path.split(".")[0] for e in result.errors} <= set(names)
        else:
            assert isinstance(result, cls)

    run()


@pytest.mark.parametrize("cls", REQUEST_MODELS, ids=ids)
def test_from_mapping_turns_any_bad_input_into_validation_error(cls: type[Any]) -> None:
    """Whatever dict is given (known or unknown keys, any values), from_mapping succeeds or raises ValidationError."""
    keys = sorted({n for f in cls.__econtract__.fields for n in (f.name, f.wire, f.prefix) if n})

    @quick
    @given(st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), anything, max_size=8))
    def run(data: dict[str, Any]) -> None:
        result = attempt(lambda: from_mapping(cls, data))
        if isinstance(result, ValidationError):
            assert result.errors
        else:
            assert isinstance(result, cls)

    run()
