"""JSON responses -> response models: a compiled fast path, cattrs for the error report.

Lenient on purpose: ids that arrive as strings become ints, `"0"`/`"1"` become booleans, PHP's
empty array `[]` stands for an empty object (a model or a map), and every field the schema does
not describe is kept in the model's `extra`, so a new API field never breaks a client.

Each response class gets one structure function, generated from its attrs fields and `ModelMeta`
the first time it is decoded (as cattrs generates its own, but without the per-field error
bookkeeping); for plain slotted classes it fills the slots directly instead of calling
`__init__` with keywords. The function only handles the shapes it knows; on anything else it raises, and the
body is decoded again by the detailed cattrs converter, which either accepts it (the same result)
or names every bad field with its `$.path`. The converter is built on first use, keeping cattrs
out of `import econtract_async`.
"""

from __future__ import annotations

import types
import typing
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._exceptions import ResponseDecodingError
from ._model import ResponseModel

if TYPE_CHECKING:
    from collections.abc import Callable

    import cattrs

    from ._meta import EndpointMeta

__all__ = ["Decoder"]

T = TypeVar("T")


def _int(value: Any, _: Any) -> int:
    if type(value) is str and value.isdigit():
        return int(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        return int(float(text)) if "." in text else int(text)
    msg = f"expected a whole number, got {value!r}"
    raise ValueError(msg)


def _float(value: Any, _: Any) -> float:
    if isinstance(value, bool):
        msg = f"expected a number, got {value!r}"
        raise ValueError(msg)
    return float(value)


def _bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1, "0", "1"):
        return bool(int(value))
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    msg = f"expected a flag, got {value!r}"
    raise ValueError(msg)


def _str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    msg = f"expected text, got {value!r}"
    raise ValueError(msg)


_SCALARS: dict[Any, tuple[str, Callable[[Any, Any], Any]]] = {
    int: ("int", _int),
    float: ("float", _float),
    bool: ("bool", _bool),
    str: ("str", _str),
}


class _Unhandled(Exception):
    """The fast path met a shape it does not handle; cattrs decodes the body instead."""


def _throw() -> Any:
    raise _Unhandled


_FAST: dict[type[Any], Callable[[Any], Any]] = {}


def _fast(cls: type[T]) -> Callable[[Any], T]:
    """The compiled structure function of a response class (built once)."""
    function = _FAST.get(cls)
    if function is None:
        function = _FAST[cls] = _compile(cls)
    return function


class _Source:
    """Python source of one structure function, plus the names it refers to."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"_Unhandled": _Unhandled, "_throw": _throw}

    def name(self, value: Any, hint: str) -> str:
        key = f"_{hint}{len(self.names)}"
        self.names[key] = value
        return key

    def expression(self, var: str, kind: Any) -> str:
        """An expression turning `var` into `kind` (for list items and map values)."""
        optional, inner = _split_optional(kind)
        scalar = _SCALARS.get(inner)
        if scalar is not None:
            label, hook = scalar
            text = f"({var} if type({var}) is {label} else {self.name(hook, label)}({var}, None))"
        elif inner is Any:
            return var
        elif isinstance(inner, type) and issubclass(inner, ResponseModel):
            text = f"{self.name(_nested(inner), inner.__name__)}({var})"
        else:
            text = f"{self.name(_element(inner), 'item')}({var})"
        return f"(None if {var} is None else {text})" if optional else text

    def convert(self, target: str, kind: Any, indent: str) -> None:
        """Lines turning `target` (not None) into `kind`, in place."""
        scalar = _SCALARS.get(kind)
        if scalar is not None:
            label, hook = scalar
            fix = self.name(hook, label)
            self.lines.append(f"{indent}if type({target}) is not {label}:")
            if label in ("float", "int"):
                cheap = (
                    "type({0}) is int" if label == "float" else "type({0}) is str and {0}.isdigit()"
                )
                self.lines.append(f"{indent}    if {cheap.format(target)}:")
                self.lines.append(f"{indent}        {target} = {label}({target})")
                self.lines.append(f"{indent}    else:")
                self.lines.append(f"{indent}        {target} = {fix}({target}, None)")
            else:
                self.lines.append(f"{indent}    {target} = {fix}({target}, None)")
            return
        if kind is Any:
            self.lines.append(f"{indent}pass")
            return
        if isinstance(kind, type) and issubclass(kind, ResponseModel):
            nested = self.name(_nested(kind), kind.__name__)
            self.lines.append(f"{indent}{target} = {nested}({target})")
            return
        origin, args = typing.get_origin(kind), typing.get_args(kind)
        if origin is list and len(args) == 1:
            item = self.expression("x", args[0])
            self.lines.append(f"{indent}if type({target}) is not list:")
            self.lines.append(f"{indent}    raise _Unhandled")
            self.lines.append(f"{indent}{target} = [{item} for x in {target}]")
            return
        if origin is dict and len(args) == 2 and args[0] is str:
            item = self.expression("x", args[1])
            self.lines.append(f"{indent}if type({target}) is not dict:")
            self.lines.append(f"{indent}    if type({target}) is not list or {target}:")
            self.lines.append(f"{indent}        raise _Unhandled")
            self.lines.append(f"{indent}    {target} = {{}}")
            self.lines.append(f"{indent}else:")
            self.lines.append(
                f"{indent}    {target} = {{k if type(k) is str else _throw(): "
                f"{item} for k, x in {target}.items()}}"
            )
            return
        raise _Unhandled


_COMPILING: set[type[Any]] = set()


def _nested(cls: type[Any]) -> Callable[[Any], Any]:
    """The compiled function of a nested class; a late-bound one while `cls` is compiling."""
    if cls not in _COMPILING:
        return _fast(cls)

    def structure(value: Any) -> Any:
        return _fast(cls)(value)

    return structure


def _element(kind: Any) -> Callable[[Any], Any]:
    """A one-argument converter for list items or map values of a container type."""
    source = _Source()
    source.lines.append("def convert(v):")
    optional, inner = _split_optional(kind)
    if optional:
        source.lines.append("    if v is not None:")
        source.convert("v", inner, "        ")
    else:
        source.convert("v", inner, "    ")
    source.lines.append("    return v")
    namespace = dict(source.names)
    exec("\n".join(source.lines), namespace)
    converter: Callable[[Any], Any] = namespace["convert"]
    return converter


def _split_optional(kind: Any) -> tuple[bool, Any]:
    """`(True, X)` for `X | None`, else `(False, kind)`."""
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(kind)) == 2:
            return True, args[0]
    return False, kind


def _compile(cls: type[Any]) -> Callable[[Any], Any]:
    """Generate the structure function of one response class from its fields."""
    _COMPILING.add(cls)
    try:
        return _generate(cls)
    except _Unhandled:

        def unsupported(value: Any) -> Any:
            raise _Unhandled

        return unsupported
    finally:
        _COMPILING.discard(cls)


def _plain(cls: type[Any]) -> bool:
    """Whether `cls.__init__` only stores its arguments, so slots may be set directly."""
    return (
        "__slots__" in cls.__dict__
        and getattr(cls, "__setattr__", None) is object.__setattr__
        and not hasattr(cls, "__attrs_pre_init__")
        and not hasattr(cls, "__attrs_post_init__")
        and all(f.validator is None and f.converter is None for f in attrs.fields(cls))
    )


def _generate(cls: type[Any]) -> Callable[[Any], Any]:
    hints = typing.get_type_hints(cls)
    wires = {f.name: f.wire for f in cls.__econtract__.fields}
    source = _Source()
    cls_name = source.name(cls, "cls")
    body: list[str] = []
    arguments: list[str] = []
    assigned: list[str] = []
    known: set[str] = set()
    has_extra = False
    for index, field in enumerate(attrs.fields(cls)):
        if field.name == "extra":
            has_extra = True
            continue
        if not field.init:
            raise _Unhandled
        wire = wires.get(field.name, field.name)
        known.add(wire)
        var = f"v{index}"
        arguments.append(f"{field.alias}={var}")
        assigned.append(f"    o.{field.name} = {var}")
        default = field.default
        optional, inner = _split_optional(hints[field.name])
        source.lines = []
        if default is None and optional:
            source.lines.append(f"    {var} = d.get({wire!r})")
            source.lines.append(f"    if {var} is not None:")
            source.convert(var, inner, "        ")
        else:
            if default is attrs.NOTHING:
                raise _Unhandled
            missing = source.name(attrs.NOTHING, "missing")
            source.lines.append(f"    {var} = d.get({wire!r}, {missing})")
            source.lines.append(f"    if {var} is {missing}:")
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                if default.takes_self:
                    raise _Unhandled
                factory = source.name(default.factory, "factory")
                source.lines.append(f"        {var} = {factory}()")
            else:
                source.lines.append(f"        {var} = {source.name(default, 'default')}")
            if optional:
                source.lines.append(f"    elif {var} is not None:")
                source.convert(var, inner, "        ")
            else:
                source.lines.append("    else:")
                source.convert(var, inner, "        ")
        body.extend(source.lines)
    known_name = source.name(frozenset(known), "known")
    lines = [
        "def structure(d):",
        "    if type(d) is not dict:",
        "        if type(d) is list and not d:",
        f"            return {cls_name}()",
        "        raise _Unhandled",
        *body,
    ]
    if has_extra:
        arguments.append("extra=e")
        lines += [
            f"    if len(d) > {len(known)} or not {known_name}.issuperset(d):",
            f"        e = {{k: x for k, x in d.items() if k not in {known_name}}}",
            "    else:",
            "        e = {}",
        ]
        assigned.append("    o.extra = e")
    if _plain(cls):
        lines.append(f"    o = _new({cls_name})")
        lines.extend(assigned)
        lines.append("    return o")
        source.names["_new"] = object.__new__
    else:
        lines.append(f"    return {cls_name}({', '.join(arguments)})")
    namespace = dict(source.names)
    exec("\n".join(lines), namespace)
    structure: Callable[[Any], Any] = namespace["structure"]
    return structure


def _php_map_hook(converter: cattrs.Converter) -> Callable[[Any], Any]:
    """Maps accept PHP's `[]` for an empty object, as models do."""
    from cattrs.gen import make_mapping_structure_fn

    def factory(kind: Any) -> Callable[[Any, Any], Any]:
        base = make_mapping_structure_fn(kind, converter)

        def structure(value: Any, _: Any) -> Any:
            if isinstance(value, list) and not value:
                return {}
            return base(value, kind)

        return structure

    return factory


def _is_map(kind: Any) -> bool:
    args = typing.get_args(kind)
    return typing.get_origin(kind) is dict and len(args) == 2 and args[0] is str


class Decoder:
    """Structures parsed JSON into response models; one per client, shared by all calls."""

    def __init__(self) -> None:
        self._converter: cattrs.Converter | None = None

    @property
    def converter(self) -> cattrs.Converter:
        """The detailed cattrs converter: decodes what the fast path does not, names bad fields."""
        if self._converter is None:
            self._converter = self._build_converter()
        return self._converter

    def _build_converter(self) -> cattrs.Converter:
        import cattrs

        converter = cattrs.Converter()
        converter.register_structure_hook(int, _int)
        converter.register_structure_hook(float, _float)
        converter.register_structure_hook(bool, _bool)
        converter.register_structure_hook(str, _str)
        converter.register_structure_hook(Any, lambda value, _: value)
        converter.register_structure_hook_factory(_is_map, _php_map_hook(converter))
        converter.register_structure_hook_factory(
            lambda cls: isinstance(cls, type) and issubclass(cls, ResponseModel),
            lambda cls: self._model_hook(converter, cls),
        )
        return converter

    @staticmethod
    def _model_hook(converter: cattrs.Converter, cls: type[Any]) -> Callable[[Any, Any], Any]:
        from cattrs.gen import make_dict_structure_fn, override

        meta = cls.__econtract__
        renames = {f.name: override(rename=f.wire) for f in meta.fields if f.name != f.wire}
        overrides: dict[str, Any] = {"extra": override(omit=True), **renames}
        base = make_dict_structure_fn(cls, converter, **overrides)
        known = frozenset(f.wire for f in meta.fields)

        def structure(value: Any, _: Any) -> Any:
            if isinstance(value, list) and not value:
                return cls()
            if not isinstance(value, dict):
                msg = f"expected a JSON object for {cls.__name__}, got {type(value).__name__}"
                raise TypeError(msg)
            instance = base(value, cls)
            if len(value) > len(known) or not known.issuperset(value):
                instance.extra = {k: v for k, v in value.items() if k not in known}
            return instance

        return structure

    def _fail(
        self, exc: Exception, cls: type[Any], endpoint: EndpointMeta | None
    ) -> ResponseDecodingError:
        import cattrs

        where = f" from {endpoint.key}" if endpoint is not None else ""
        details = (
            "; ".join(cattrs.transform_error(exc))
            if isinstance(exc, cattrs.BaseValidationError)
            else str(exc)
        )
        return ResponseDecodingError(f"the response{where} does not fit {cls.__name__}: {details}")

    def one(self, body: Any, cls: type[T], endpoint: EndpointMeta | None = None) -> T:
        """One model from a JSON object (a one-element list is unwrapped)."""
        if isinstance(body, list) and len(body) == 1:
            body = body[0]
        if isinstance(cls, type) and issubclass(cls, ResponseModel):
            try:
                return _fast(cls)(body)
            except Exception:  # the detailed path below decides and explains
                pass
        try:
            return self.converter.structure(body, cls)
        except Exception as exc:
            # Not chained: cattrs' exceptions quote the values, which may echo a credential.
            raise self._fail(exc, cls, endpoint) from None

    def many(self, body: Any, cls: type[T], endpoint: EndpointMeta | None = None) -> list[T]:
        """A list of models from a JSON list (PHP's `{}`/`[]` for none is an empty list)."""
        if isinstance(body, dict):
            body = list(body.values()) if body else []
        if not isinstance(body, list):
            raise self._fail(
                TypeError(f"expected a JSON list, got {type(body).__name__}"), cls, endpoint
            )
        if isinstance(cls, type) and issubclass(cls, ResponseModel):
            fast = _fast(cls)
            try:
                return [fast(item) for item in body]
            except Exception:  # the detailed path below decides and explains
                pass
        structure = self.converter.get_structure_hook(cls)
        try:
            return [structure(item, cls) for item in body]
        except Exception as exc:
            raise self._fail(exc, cls, endpoint) from None
