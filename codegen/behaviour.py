"""The behaviour codegen writes for each model, as Python source lines.

Per request model (and group): `_econtract_check` (every field checked, accepted text
normalised, every failure collected), `_econtract_build` (a mapping or CSV row -> the model,
keys resolved and unknown ones reported) and `_econtract_encode` (the form pairs, nested models
flattened inline). Per response model: `_econtract_decode` (parsed JSON -> the model, leniently).
Every type-specific step is a call into (or an expression taken from) the runtime vocabulary, so
the rules themselves are written once, in `econtract_async._vocabulary`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .spec import FieldSpec, ModelSpec, SchemaSpec
from .typemap import behaviour, exact_test
from .vocabulary import vocabulary

__all__ = [
    "Lines",
    "build_method",
    "check_method",
    "decode_method",
    "dump_request_method",
    "dump_response_method",
    "encode_method",
    "keys_of",
    "rename_method",
    "required_property",
    "stored_name",
]

Lines = list[str]
_I = "    "


def _name(function: Callable[..., Any]) -> str:
    return f"_v.{function.__name__}"


def is_required(spec: FieldSpec) -> bool:
    """Whether a missing value is a problem (not when sent empty or defaulted)."""
    return spec.required and not spec.empty_ok and spec.default is None


def _err(spec: FieldSpec, message: str, *, nested: bool = False) -> str:
    wire = f"{spec.prefix}*" if nested else spec.wire
    return f"errors.append(FieldError(path + {spec.name!r}, prefix + {wire!r}, {message}))"


def _rule(spec: FieldSpec, var: str, patterns: list[str]) -> str | None:
    """An expression over `var`: the field's extra rules (values, bounds, length, pattern)."""
    rules: list[str] = []
    if spec.values:
        rules.append(f"_c.one_of({var}, {tuple(spec.values)!r})")
    if spec.min is not None or spec.max is not None:
        rules.append(f"_c.in_range({var}, {spec.min!r}, {spec.max!r})")
    if spec.min_length is not None or spec.max_length is not None:
        rules.append(f"_c.length({var}, {spec.min_length!r}, {spec.max_length!r})")
    if spec.pattern is not None:
        if spec.pattern not in patterns:
            patterns.append(spec.pattern)
        rules.append(f"_c.matches({var}, _PATTERN_{patterns.index(spec.pattern)})")
    return " or ".join(rules) if rules else None


def check_method(model: ModelSpec, patterns: list[str]) -> Lines:
    """`_econtract_check`: every field of the model checked in wire order."""
    lines = [
        "def _econtract_check(self, path: str, prefix: str, errors: list[FieldError]) -> None:",
        f'{_I}"""Check every field, keep accepted text in its typed form, collect each problem."""',
    ]
    checked = [spec for spec in model.fields if spec.type != "constant"]
    if checked:  # a model of constants only has nothing to check: no locals, no body
        lines += [f"{_I}set_ = object.__setattr__", f"{_I}v: Any"]
    if any(spec.type not in {"model", "list"} for spec in checked):
        lines.append(f"{_I}p: str | None")
    body: Lines = []
    for spec in checked:
        body.append(f"v = self.{spec.name}")
        if spec.type == "model":
            body += _check_nested(spec)
        elif spec.type == "list":
            body += _check_list(spec, patterns)
        else:
            body += _check_scalar(spec, patterns)
    lines += [_I + line for line in body]
    return lines


def _missing(spec: FieldSpec, *, nested: bool = False) -> Lines:
    if spec.default is not None:  # None stands for "not given": the default is sent
        return [f"{_I}set_(self, {spec.name!r}, {spec.default!r})"]
    if is_required(spec):
        return [f"{_I}{_err(spec, repr('required'), nested=nested)}"]
    return [f"{_I}pass"]


def _check_call(spec: FieldSpec, kind: vocabulary.ScalarType) -> str:
    """The check of `v`: the type's own, or its country check reading the sibling field (D-132)."""
    if spec.country_field is not None:
        check = vocabulary.COUNTRY_CHECKS[spec.type]
        return f"{_name(check)}(v, self.{spec.country_field})"
    return f"{_name(kind.check)}(v)"


def _check_scalar(spec: FieldSpec, patterns: list[str]) -> Lines:
    kind = behaviour(spec.type, spec.values)
    rule = _rule(spec, "v", patterns)
    check, coerce = _check_call(spec, kind), _name(kind.coerce)
    missing = _missing(spec)
    if spec.allow_empty and not spec.empty_ok and missing == [f"{_I}pass"]:
        lines = ["if v is None or (type(v) is str and not v):", f"{_I}pass"]
    else:
        lines = ["if v is None:", *missing]
        if spec.empty_ok:  # `""` and "not given" both send `key=`: keep the one form, None
            lines += ["elif type(v) is str and not v:", f"{_I}set_(self, {spec.name!r}, None)"]
        elif spec.allow_empty:
            lines += ["elif type(v) is str and not v:", f"{_I}pass"]
    lines += [f"elif {exact_test(kind, 'v')}:", f"{_I}p = {check}"]
    if rule:
        lines += [f"{_I}if p is None:", f"{_I * 2}p = {rule}"]
    lines += [f"{_I}if p is not None:", f"{_I * 2}{_err(spec, 'p')}"]
    lines += [
        "elif not isinstance(v, Unverified):",
        f"{_I}try:",
        f"{_I * 2}v = {coerce}(v)",
        f"{_I * 2}p = {check}",
        f"{_I}except _v.Invalid as exc:",
        f"{_I * 2}p = exc.message",
    ]
    if rule:
        lines += [f"{_I}if p is None:", f"{_I * 2}p = {rule}"]
    lines += [
        f"{_I}if p is None:",
        f"{_I * 2}set_(self, {spec.name!r}, v)",
        f"{_I}else:",
        f"{_I * 2}{_err(spec, 'p')}",
    ]
    return lines


def _check_list(spec: FieldSpec, patterns: list[str]) -> Lines:
    kind = behaviour(spec.item or "string", spec.values)
    rule = _rule(spec, "x", patterns)
    exact = "(" + "".join(f"{t.__qualname__}, " for t in kind.exact) + ")"
    if any(t.__module__ != "builtins" for t in kind.exact):
        exact = "(" + "".join(f"{t.__module__}.{t.__qualname__}, " for t in kind.exact) + ")"
    rule_arg = f"lambda x: {rule}" if rule else "None"
    call = (
        f"_c.items(v, {exact}, {_name(kind.coerce)}, {_name(kind.check)}, {rule_arg}, "
        f"one_or_many={spec.one_or_many!r})"
    )
    return [
        "if v is None:",
        *_missing(spec),
        "else:",
        f"{_I}try:",
        f"{_I * 2}set_(self, {spec.name!r}, {call})",
        f"{_I}except _v.Invalid as exc:",
        f"{_I * 2}{_err(spec, 'exc.message')}",
    ]


def _check_nested(spec: FieldSpec) -> Lines:
    model = spec.model
    here = f"path + {spec.name + '.'!r}, prefix + {spec.prefix!r}"
    message = f'f"expected a {model} or a mapping, got {{type(v).__name__}}"'
    return [
        "if v is None:",
        *_missing(spec, nested=True),
        "elif type(v) is Flat:",
        f"{_I}v = {model}._econtract_build(v.data, {here}, errors, v.keyp)",
        f"{_I}set_(self, {spec.name!r}, v)",
        *(
            [f"{_I}if v is None:", f"{_I * 2}{_err(spec, repr('required'), nested=True)}"]
            if is_required(spec)
            else []
        ),
        "elif isinstance(v, Mapping):",
        f"{_I}set_(self, {spec.name!r}, {model}._econtract_build(v, {here}, errors, None))",
        f"elif not isinstance(v, {model}):",
        f"{_I}{_err(spec, message, nested=True)}",
    ]


def keys_of(schema: SchemaSpec, model: ModelSpec, keyp: str | None = None) -> list[str]:
    """Every key a mapping for `model` may use: own form (`keyp` None) or flat with a prefix."""
    keys: list[str] = []
    for spec in model.fields:
        if spec.type == "model":
            nested = schema.model(str(spec.model))
            if keyp is None:
                keys.append(spec.name)
            keys += keys_of(schema, nested, (keyp or "") + spec.prefix)
            continue
        if keyp is None:
            keys += [spec.name, spec.wire, *spec.aliases]
        else:
            keys += [keyp + spec.wire, *(keyp + alias for alias in spec.aliases)]
    return list(dict.fromkeys(keys))


def _lookups(spec: FieldSpec, var: str, flat: bool) -> Lines:
    keys = (
        [spec.wire, *spec.aliases]
        if flat
        else list(dict.fromkeys([spec.name, spec.wire, *spec.aliases]))
    )

    def expr(key: str) -> str:
        return f"get(keyp + {key!r})" if flat else f"get({key!r})"

    lines = [f"{var} = {expr(keys[0])}"]
    for key in keys[1:]:
        lines += [f"if {var} is None:", f"{_I}{var} = {expr(key)}"]
    return lines


def build_method(schema: SchemaSpec, model: ModelSpec) -> Lines:
    """`_econtract_build`: a mapping (own keys) or a flat row (prefixed keys) -> the model."""
    lines = [
        "@classmethod",
        "def _econtract_build(",
        f"{_I}cls,",
        f"{_I}data: Mapping[str, Any],",
        f"{_I}path: str,",
        f"{_I}prefix: str,",
        f"{_I}errors: list[FieldError],",
        f"{_I}keyp: str | None,",
        ") -> Self | None:",
        f'{_I}"""Build from `data`, under its own keys (`keyp` None) or prefixed ones in a flat row.',
        "",
        f"{_I}In a flat row, a model none of whose keys are present is absent (None).",
        f'{_I}"""',
    ]
    names = {spec.name: f"a{index}" for index, spec in enumerate(model.fields)}
    own: Lines = []
    flat: Lines = []
    scalars: list[str] = []
    for spec in model.fields:
        var = names[spec.name]
        if spec.type == "model":
            own += [f"{var} = get({spec.name!r})"]
            own += [f"if {var} is None:", f"{_I}{var} = Flat(data, {spec.prefix!r})"]
            flat += [f"{var} = Flat(data, keyp + {spec.prefix!r})"]
            continue
        own += _lookups(spec, var, flat=False)
        flat += _lookups(spec, var, flat=True)
        scalars.append(var)
    own += [
        "if not cls._econtract_keys.issuperset(data):",
        f"{_I}unknown_keys(data, cls._econtract_keys, path, prefix, errors)",
    ]
    if scalars:
        flat += [f"if {' and '.join(f'{s} is None' for s in scalars)}:", f"{_I}return None"]
    lines += [f"{_I}get = data.get", f"{_I}if keyp is None:", *(_I * 2 + x for x in own)]
    lines += [f"{_I}else:", *(_I * 2 + x for x in flat)]
    for spec in model.fields:
        if spec.type != "constant":
            continue
        var = names[spec.name]
        message = f'f"always {spec.value!r} for {model.name}, got {{_v.show({var})}}"'
        # The value itself, or its wire text as a CSV cell or a form gives it (`"0"` for 0).
        accepted = ", ".join(repr(x) for x in dict.fromkeys(["", spec.value, spec.constant_wire]))
        lines += [
            f"{_I}if {var} is not None and {var} not in ({accepted}):",
            f"{_I * 2}errors.append(FieldError(path + {spec.name!r}, prefix + {spec.wire!r}, {message}))",
        ]
    lines += [f"{_I}m = object.__new__(cls)", f"{_I}set_ = object.__setattr__"]
    for spec in model.fields:
        var = names[spec.name]
        if spec.type == "constant":
            value = repr(spec.value)
        elif spec.default is not None:
            value = f"{spec.default!r} if {var} is None else {var}"
        else:
            value = var
        lines.append(f"{_I}set_(m, {spec.name!r}, {value})")
    lines += [f"{_I}m._econtract_check(path, prefix, errors)", f"{_I}return m"]
    return lines


def _encode_expr(kind: vocabulary.ScalarType, var: str) -> str:
    if kind.encode_inline is not None:
        inline = kind.encode_inline.format(v=var)
    else:
        inline = f"{_name(kind.encode)}({var})"
    if inline == f"str({var})":
        return inline
    if kind.text:
        return f"{var} if type({var}) is str else str({var})"
    return f"{var} if isinstance({var}, str) else {inline}"


def encode_method(schema: SchemaSpec, model: ModelSpec) -> Lines:
    """`_econtract_encode`: the model's `(name, value)` pairs, nested models inline."""
    lines = [
        "def _econtract_encode(self, out: list[tuple[str, str]]) -> None:",
        f'{_I}"""Append this model\'s form pairs to `out`, in wire order."""',
    ]
    body = _encode_lines(schema, model, "self", "", [0])
    if any("append(" in line for line in body):
        lines.append(f"{_I}append = out.append")
    if any(line.lstrip().startswith("v = ") for line in body):  # not when only constants are sent
        lines.append(f"{_I}v: Any")
    lines += [_I + line for line in body]
    return lines


def _encode_lines(
    schema: SchemaSpec, model: ModelSpec, obj: str, prefix: str, counter: list[int]
) -> Lines:
    lines: Lines = []
    for spec in model.fields:
        if spec.type == "model":
            nested = f"n{counter[0]}"
            counter[0] += 1
            inner = _encode_lines(
                schema, schema.model(str(spec.model)), nested, prefix + spec.prefix, counter
            )
            lines += [f"{nested} = {obj}.{spec.name}", f"if {nested} is not None:"]
            lines += [_I + line for line in inner] or [f"{_I}pass"]
            continue
        key = prefix + spec.wire
        if spec.type == "constant":
            lines.append(f"append(({key!r}, {spec.constant_wire!r}))")
            continue
        lines.append(f"v = {obj}.{spec.name}")
        if spec.type == "list":
            kind = behaviour(spec.item or "string", spec.values)
            lines += [
                "if v is not None:",
                f"{_I}if isinstance(v, list | tuple):",
                f"{_I * 2}for i, x in enumerate(v):",
                f'{_I * 3}append((f"{key}[{{i}}]", {_encode_expr(kind, "x")}))',
                f"{_I}else:",
                f"{_I * 2}append(({key + '[0]'!r}, {_encode_expr(kind, 'v')}))",
            ]
            continue
        kind = behaviour(spec.type, spec.values)
        lines += ["if v is not None:", f"{_I}append(({key!r}, {_encode_expr(kind, 'v')}))"]
        if spec.empty_ok:
            lines += ["else:", f"{_I}append(({key!r}, ''))"]
    return lines


def decode_method(model: ModelSpec) -> Lines:
    """`_econtract_decode`: a JSON object -> the model; what cannot be typed goes to `extra`."""
    lines = [
        "@classmethod",
        "def _econtract_decode(cls, d: dict[str, Any]) -> Self:",
        f'{_I}"""Decode a JSON object leniently; values that fit no field type stay in `extra`."""',
        f"{_I}o = object.__new__(cls)",
        f"{_I}bad: list[str] | None = None",
    ]
    if model.fields:
        lines += [f"{_I}get = d.get", f"{_I}v: Any"]
    body: Lines = []
    for spec in model.fields:
        body.append(f"v = get({spec.wire!r})")
        for alias in spec.aliases:
            body += ["if v is None:", f"{_I}v = get({alias!r})"]
        converted = _decode_convert(spec)
        if converted is not None:
            guard, expr = converted
            body += [
                f"if {guard}:",
                f"{_I}try:",
                f"{_I * 2}v = {expr}",
                f"{_I}except _v.Untyped:",
                f"{_I * 2}v, bad = None, _d.untyped(bad, {spec.wire!r})",
            ]
        body.append(f"o.{stored_name(spec)} = v")
    body += [
        "if bad is not None or not cls._econtract_keys.issuperset(d):",
        f"{_I}o.extra = _d.extra(d, cls._econtract_keys, bad)",
        "else:",
        f"{_I}o.extra = {{}}",
        "return o",
    ]
    lines += [_I + line for line in body]
    return lines


def _decode_convert(spec: FieldSpec) -> tuple[str, str] | None:
    """When to convert a field's JSON value `v`, and the expression that does it."""
    if spec.type == "json":
        return None
    if spec.type == "model":
        model = spec.model
        return (
            "v is not None",
            f"{model}._econtract_decode(v) if type(v) is dict else _d.model({model}, v)",
        )
    if spec.type == "map":
        return "v is not None", f"_d.mapping({spec.model}, v)"
    if spec.type == "list":
        if spec.model:
            return "v is not None", f"_d.models({spec.model}, v)"
        kind = behaviour(spec.item or "string")
        exact = "None" if kind.decode_always else kind.response
        return "v is not None", f"_d.scalars({_name(kind.decode)}, {exact}, v)"
    kind = behaviour(spec.type, spec.values)
    if kind.decode_always:
        return "v is not None", f"{_name(kind.decode)}(v)"
    return f"v is not None and type(v) is not {kind.response}", f"{_name(kind.decode)}(v)"


def stored_name(spec: FieldSpec) -> str:
    """The attribute that holds a response field: `_name` behind a property when it is required.

    A required response field (one the API always answers, like a record's `id`) is typed
    without `| None`; its property raises `MissingFieldError` on an answer that lacked it, so
    the call still succeeds with what the answer held (D-162).
    """
    return f"_{spec.name}" if spec.required else spec.name


def required_property(spec: FieldSpec, annotation: str) -> Lines:
    """The property that reads a required response field (see `stored_name`)."""
    return [
        "@property",
        f"def {spec.name}(self) -> {annotation}:",
        f'{_I}"""{spec.description} (wire `{spec.wire}`; always answered: `MissingFieldError` if not)."""',
        f"{_I}v = self._{spec.name}",
        f"{_I}return _d.missing(self, {spec.name!r}) if v is None else v",
    ]


def _key(spec: FieldSpec) -> str:
    """The output key of a field in `_econtract_dump`: its Python or its wire name."""
    if spec.name == spec.wire:
        return repr(spec.name)
    return f"{spec.wire!r} if wire else {spec.name!r}"


def dump_request_method(model: ModelSpec) -> Lines:
    """`_econtract_dump` of a request model: Python names nested, or wire names flat."""
    lines = [
        "def _econtract_dump(self, wire: bool, out: dict[str, Any], keyp: str) -> None:",
        f'{_I}"""Write every field into `out`: by Python name (nested models as dicts), or by',
        f'{_I}full wire name after `keyp` (nested models flattened with their prefixes)."""',
    ]
    if model.fields:
        lines.append(f"{_I}v: Any")
    body: Lines = []
    for spec in model.fields:
        body.append(f"v = self.{spec.name}")
        if spec.type == "model":
            body += [
                "if v is None:",
                f"{_I}if not wire:",
                f"{_I * 2}out[{spec.name!r}] = None",
                "elif wire:",
                f"{_I}v._econtract_dump(True, out, keyp + {spec.prefix!r})",
                "else:",
                f"{_I}out[{spec.name!r}] = v.to_dict()",
            ]
            continue
        key = f"keyp + {spec.wire!r} if wire else {spec.name!r}"
        if spec.type == "list":
            body.append(f"out[{key}] = list(v) if isinstance(v, list | tuple) else v")
        else:
            body.append(f"out[{key}] = v")
    lines += [_I + line for line in body]
    return lines


def dump_response_method(model: ModelSpec) -> Lines:
    """`_econtract_dump` of a response model: JSON-shaped, `extra` merged (wire) or kept."""
    lines = [
        "def _econtract_dump(self, wire: bool, out: dict[str, Any]) -> None:",
        f'{_I}"""Write every field into `out` by Python or wire name; `extra` stays one key by',
        f'{_I}Python name, and is merged back among the fields (as the server sent it) by wire name."""',
    ]
    if model.fields:
        lines.append(f"{_I}v: Any")
    body: Lines = []
    for spec in model.fields:
        key = _key(spec)
        body.append(f"v = self.{stored_name(spec)}")
        if spec.type == "model":
            value = "v.to_dict(wire=wire)"
        elif spec.type == "map":
            value = "{k: x.to_dict(wire=wire) for k, x in v.items()}"
        elif spec.type == "list" and spec.model:
            value = "[x.to_dict(wire=wire) for x in v]"
        elif spec.type == "list":
            value = "list(v)"
        else:
            body.append(f"out[{key}] = v")
            continue
        body.append(f"out[{key}] = None if v is None else {value}")
    body += [
        "if wire:",
        f"{_I}out.update(self.extra)",
        "else:",
        f"{_I}out['extra'] = dict(self.extra)",
    ]
    lines += [_I + line for line in body]
    return lines


def rename_method(model: ModelSpec) -> Lines:
    """`_econtract_rename`: a dict by Python or wire names -> the JSON object the decoder reads."""
    lines = [
        "@classmethod",
        "def _econtract_rename(cls, data: Mapping[str, Any]) -> dict[str, Any]:",
        f'{_I}"""`data` by Python or wire names, `extra` as one key or merged, as the server\'s JSON."""',
        f"{_I}d = dict(data)",
        f"{_I}v: Any = d.pop('extra', None)",
        f"{_I}if isinstance(v, Mapping):",
        f"{_I * 2}for k, x in v.items():",
        f"{_I * 3}if d.get(k) is None:",
        f"{_I * 4}d[k] = x",
        f"{_I}elif v is not None:",
        f"{_I * 2}d['extra'] = v",
    ]
    wires = {k for spec in model.fields for k in (spec.wire, *spec.aliases)}
    body: Lines = []
    for spec in model.fields:
        if spec.name != spec.wire and spec.name not in wires:
            body += [
                f"if {spec.name!r} in d:",
                f"{_I}v = d.pop({spec.name!r})",
                f"{_I}if v is not None:",
                f"{_I * 2}d.setdefault({spec.wire!r}, v)",
            ]
        if spec.type == "model":
            body += [
                f"v = d.get({spec.wire!r})",
                "if isinstance(v, Mapping):",
                f"{_I}d[{spec.wire!r}] = {spec.model}._econtract_rename(v)",
            ]
        elif spec.type == "map":
            body += [
                f"v = d.get({spec.wire!r})",
                "if isinstance(v, Mapping):",
                f"{_I}d[{spec.wire!r}] = {{k: {spec.model}._econtract_rename(x) "
                "if isinstance(x, Mapping) else x for k, x in v.items()}",
            ]
        elif spec.type == "list" and spec.model:
            body += [
                f"v = d.get({spec.wire!r})",
                "if isinstance(v, list):",
                f"{_I}d[{spec.wire!r}] = [{spec.model}._econtract_rename(x) "
                "if isinstance(x, Mapping) else x for x in v]",
            ]
    lines += [_I + line for line in body]
    lines.append(f"{_I}return d")
    return lines
