"""The schema's type vocabulary: every scalar type defined once, with all of its behaviour.

Each entry of `VOCABULARY` says, for one schema type (`email`, `ean`, `identifier`, ...):

- `annotation` / `response`: its Python type on request models and on response models;
- `exact`: the runtime types a value already has when it needs no conversion;
- `check`: what is wrong with such a value (`None` when fine); never raises;
- `coerce`: a value of another type (text from a CSV cell or a form, an `int` for a text field)
  converted and checked, or `Invalid`;
- `encode` (and `encode_inline`, the same rule as an expression codegen writes in place): the
  text sent on the wire;
- `parse`: the sandbox's reading of the wire text, in the API's own words (`ValueError`);
- `decode`: a JSON value of a response, leniently typed, or `Untyped` (`None`: "not sent",
  for the empty forms a server writes for a missing date); a value that already has the
  `response` type skips it, unless `decode_always` (the `response` type is a `Literal`).

Codegen (`codegen/vocabulary.py`) loads this file by path at build time, to learn the types and
the names it writes into the generated checks, coercers, encoders and decoders; the runtime
imports it like any module. So the type table exists exactly once. This module imports only the
standard library and nothing of the package, which is what lets the build load it alone.
"""

from __future__ import annotations

import datetime
import ipaddress
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

__all__ = [
    "COUNTRY_CHECKS",
    "STRUCTURAL_TYPES",
    "VOCABULARY",
    "Invalid",
    "ScalarType",
    "Untyped",
    "ean_check_digit",
    "is_valid_ean",
    "is_valid_iban",
    "is_valid_vat_be",
    "show",
    "text_problem",
]


class Invalid(Exception):
    """A value that cannot be accepted; `message` says why. Generated checks turn it into a
    `FieldError`; it never leaves the SDK."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Untyped(Exception):
    """A response value that does not fit its field's type; the decoder keeps it in `extra`."""


def show(value: Any) -> str:
    """A short repr of `value` for a message, whatever it is."""
    try:
        text = repr(value)
    except Exception:  # a hostile __repr__ must not turn bad input into a crash
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 40 else text[:37] + "..."


def text_problem(value: str) -> str | None:
    """What makes `value` unsendable as UTF-8 text (a lone surrogate), or None."""
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate, which is not text"
    return None


_MAX_BITS = 100
"""Whole numbers above 2**100 (31 digits) are no value of any API field; Python refuses to
print integers of 4,300 digits or more, so they are refused before that."""


def _refuse(kind: str, value: Any) -> NoReturn:
    """Raise `Invalid`: `value` is not `kind`."""
    msg = f"expected {kind}, got {show(value)}"
    raise Invalid(msg)


# --- string -----------------------------------------------------------------------------------


def check_string(value: str) -> str | None:
    """Any text (UTF-8 encodable)."""
    return text_problem(value)


def coerce_string(value: Any) -> str:
    """A whole number is accepted as its decimal text (D-020, D-036)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() <= _MAX_BITS:
        return str(value)
    _refuse("text", value)


def encode_text(value: str) -> str:
    """Text goes on the wire as it is."""
    return value


def parse_text(text: str) -> str:
    """Text is read as it is."""
    return text


def decode_text(value: Any) -> str:
    """Text, or a JSON number written as text."""
    if type(value) is str:
        return value
    if type(value) is float or (type(value) is int and value.bit_length() <= _MAX_BITS):
        return str(value)
    raise Untyped


# --- identifier -------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"[^\x00-\x1f\x7f]{1,100}")


def check_identifier(value: str | int) -> str | None:
    """Text of 1 to 100 characters without control characters, or a whole number >= 0."""
    if type(value) is int:
        if value >= 0 and value.bit_length() <= _MAX_BITS:
            return None
        return f"expected an identifier, got {show(value)}"
    if not isinstance(value, str):
        return f"expected an identifier, got {show(value)}"
    problem = text_problem(value)
    if problem is None and not _IDENTIFIER.fullmatch(value):
        problem = f"expected an identifier (letters, digits, no line breaks), got {show(value)}"
    return problem


def coerce_identifier(value: Any) -> str | int:
    """Only text or a whole number is an identifier."""
    _refuse("an identifier as text or a whole number", value)


def encode_identifier(value: str | int) -> str:
    """Exactly what was given: `'0012345'` stays `0012345`, `12345` is `12345`."""
    return value if type(value) is str else str(value)


# --- integer and code -------------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_INTEGRAL = re.compile(r"[+-]?[0-9]{1,30}(\.0*)?")
"""At most 30 digits: longer is no number the APIs take, and `int()` refuses 4,300 or more."""


def check_integer(value: int) -> str | None:
    """A whole number of at most 31 digits (bounds are the field's)."""
    return None if value.bit_length() <= _MAX_BITS else f"too large: {show(value)}"


def coerce_integer(value: Any) -> int:
    """ASCII decimal text (`12`, `-3`, `12.0`, surrounding spaces allowed) or an integral float."""
    if type(value) is str:
        text = value.strip(" \t")
        if _INTEGRAL.fullmatch(text):
            return int(text.partition(".")[0])
        msg = f"expected a whole number, got {show(value)}"
        raise Invalid(msg)
    if type(value) is float and math.isfinite(value) and value.is_integer():
        return int(value)
    _refuse("a whole number", value)


def encode_integer(value: int) -> str:
    """Decimal."""
    return str(value)


def parse_integer(text: str) -> int | None:
    """Decimal, `None` for the empty form."""
    if text == "":
        return None
    if not _INTEGER.fullmatch(text.strip()):
        msg = "must be an integer"
        raise ValueError(msg)
    return int(text)


def decode_integer(value: Any) -> int:
    """A JSON number, or one written as text (`"8"`)."""
    if type(value) is int and value.bit_length() <= _MAX_BITS:
        return value
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 30:
        return int(value)
    if type(value) is str and _INTEGRAL.fullmatch(value.strip()):
        return int(value.strip().partition(".")[0])
    if type(value) is float and math.isfinite(value) and value.is_integer():
        return int(value)
    raise Untyped


# --- number -----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?")


def check_number(value: float) -> str | None:
    """A finite number."""
    return None if math.isfinite(value) else f"expected a number, got {show(value)}"


def coerce_number(value: Any) -> float:
    """A whole number, or ASCII decimal text (a comma counts as the decimal point)."""
    if type(value) is int and value.bit_length() <= _MAX_BITS:
        return float(value)
    if type(value) is str:
        text = value.strip(" \t")
        if _NUMBER.fullmatch(text):
            return float(text.replace(",", "."))
        msg = f"expected a number, got {show(value)}"
        raise Invalid(msg)
    _refuse("a number", value)


def encode_number(value: float) -> str:
    """`80` for 80.0, else Python's shortest round-trip form (`80.5`)."""
    return str(int(value)) if value.is_integer() else repr(value)


def parse_number(text: str) -> float | None:
    """Decimal, `None` for the empty form."""
    if text == "":
        return None
    if not _NUMBER.fullmatch(text.strip()):
        msg = "must be a number"
        raise ValueError(msg)
    return float(text.strip().replace(",", "."))


def decode_number(value: Any) -> float:
    """A JSON number, or one written as text."""
    if type(value) is float or (type(value) is int and value.bit_length() <= _MAX_BITS):
        return float(value)
    if type(value) is str and _NUMBER.fullmatch(value.strip()):
        return float(value.strip().replace(",", "."))
    raise Untyped


# --- boolean ----------------------------------------------------------------------------------

_TRUE = frozenset({"1", "true", "yes", "y", "on", "ja", "oui"})
_FALSE = frozenset({"0", "false", "no", "n", "off", "nee", "non"})


def check_boolean(value: bool) -> str | None:
    """True or False."""
    return None


def coerce_boolean(value: Any) -> bool:
    """`1`/`0`, `true`/`false`, `yes`/`no` (also nl/fr) as text, or the integers 1 and 0."""
    if type(value) is str:
        text = value.strip(" \t").lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        msg = f"expected true/false or 1/0, got {show(value)}"
        raise Invalid(msg)
    if type(value) is int and value in (0, 1):
        return bool(value)
    _refuse("true or false", value)


def encode_boolean(value: bool) -> str:
    """PHP's `1` / `0`."""
    return "1" if value else "0"


def parse_boolean(text: str) -> bool | None:
    """`1`/`0`, `true`/`false`, `on`/`off`, `yes`/`no`; `None` for the empty form."""
    if text == "":
        return None
    lowered = text.strip().lower()
    if lowered in ("1", "true", "on", "yes"):
        return True
    if lowered in ("0", "false", "off", "no"):
        return False
    msg = "must be a boolean (1 or 0)"
    raise ValueError(msg)


def decode_boolean(value: Any) -> bool:
    """A JSON boolean, `0`/`1`, `"0"`/`"1"` or `"true"`/`"false"`."""
    if type(value) is bool:
        return value
    if type(value) is int and value in (0, 1):
        return value == 1
    if type(value) is str:
        text = value.strip().lower()
        if text in ("1", "true"):
            return True
        if text in ("0", "false", ""):
            return False
    raise Untyped


# --- date and datetime ------------------------------------------------------------------------

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?"
)


def check_date(value: datetime.date) -> str | None:
    """A real date."""
    return None


def coerce_date(value: Any) -> datetime.date:
    """`YYYY-MM-DD` text."""
    if type(value) is str:
        text = value.strip(" \t")
        if _DATE.fullmatch(text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                pass
    _refuse("a date (YYYY-MM-DD)", value)


def encode_date(value: datetime.date) -> str:
    """`YYYY-MM-DD`."""
    return value.isoformat()


def parse_date(text: str) -> str | None:
    """`YYYY-MM-DD`, kept as text; `None` for the empty form."""
    if text == "":
        return None
    try:
        return coerce_date(text).isoformat()
    except Invalid:
        msg = "must be a date (YYYY-MM-DD)"
        raise ValueError(msg) from None


_ZERO_DATE = re.compile(r"0{4}-0{2}-0{2}([ T].*)?")
"""MySQL's "no date" (`0000-00-00`, `0000-00-00 00:00:00`): read as not sent (D-161)."""


def decode_date(value: Any) -> datetime.date | None:
    """A date from `YYYY-MM-DD`, or the date part of a timestamp; empty or zero: not sent."""
    if type(value) is datetime.datetime:
        return value.date()
    if type(value) is str:
        text = value.strip()
        if text == "" or _ZERO_DATE.fullmatch(text):
            return None
        if _DATE.fullmatch(text[:10]) and (len(text) == 10 or text[10] in " T"):
            try:
                return datetime.date.fromisoformat(text[:10])
            except ValueError:
                pass
    raise Untyped


def decode_datetime(value: Any) -> datetime.datetime | None:
    """A timestamp from ISO 8601 text, as sent: naive without an offset, aware with one (D-161).

    `YYYY-MM-DD HH:MM[:SS[.ffffff]]`, a `T` for the space, `Z` or `+01:00`; a bare date is its
    midnight; a JSON number is a Unix time (UTC). Empty or zero: not sent.
    """
    if type(value) is datetime.date:
        return datetime.datetime(value.year, value.month, value.day)
    if type(value) is str:
        text = value.strip()
        if text == "" or _ZERO_DATE.fullmatch(text):
            return None
        if text.isascii() and _DATE.fullmatch(text[:10]) and (len(text) == 10 or text[10] in " T"):
            try:
                return datetime.datetime.fromisoformat(text)
            except ValueError:
                pass
    if type(value) is int or type(value) is float:
        try:
            return datetime.datetime.fromtimestamp(value, datetime.UTC)
        except (OverflowError, OSError, ValueError):
            pass
    raise Untyped


def check_datetime(value: datetime.datetime) -> str | None:
    """A real date and time."""
    return None


def coerce_datetime(value: Any) -> datetime.datetime:
    """`YYYY-MM-DD HH:MM[:SS]` text (a `T` may stand for the space)."""
    if type(value) is str:
        match = _DATETIME.fullmatch(value.strip(" \t"))
        if match is not None:
            try:
                year, month, day, hour, minute, second = (int(p or 0) for p in match.groups())
                return datetime.datetime(year, month, day, hour, minute, second)
            except ValueError:
                pass
    _refuse("a date and time (YYYY-MM-DD HH:MM[:SS])", value)


def encode_datetime(value: datetime.datetime) -> str:
    """`YYYY-MM-DD HH:MM:SS` (no offset: the CRM reads local time)."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


def parse_datetime(text: str) -> str | None:
    """`YYYY-MM-DD HH:MM[:SS]`, kept as text; `None` for the empty form."""
    if text == "":
        return None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}(:[0-9]{2})?", text):
        msg = "must be a date and time (YYYY-MM-DD HH:MM:SS)"
        raise ValueError(msg)
    return text


# --- formatted text ---------------------------------------------------------------------------


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def check_email(value: str) -> str | None:
    """One `@`, a dotted domain, no spaces or line breaks."""
    if text_problem(value) or not _EMAIL.fullmatch(value):
        return f"not an e-mail address: {show(value)}"
    return None


def coerce_email(value: Any) -> str:
    """Only text is an e-mail address."""
    msg = f"not an e-mail address: {show(value)}"
    raise Invalid(msg)


def parse_email(text: str) -> str:
    """The sandbox's looser reading: an `@` and no spaces."""
    if "@" not in text or " " in text.strip():
        msg = "must be an email address"
        raise ValueError(msg)
    return text


_PHONE_SEPARATORS = re.compile(r"[ ./()-]")
_PHONE_BE = re.compile(r"0[0-9]{8,9}")
_PHONE_INTL = re.compile(r"(\+|00)[1-9][0-9]{7,14}")


def check_phone(value: str) -> str | None:
    """A Belgian national number (0xxxxxxxx, 04xxxxxxxx) or an international one (+32...)."""
    digits = _PHONE_SEPARATORS.sub("", value)
    if _PHONE_BE.fullmatch(digits) or _PHONE_INTL.fullmatch(digits):
        return None
    return f"not a phone number (0xxxxxxxx, 04xxxxxxxx or +32xxxxxxxxx): {show(value)}"


_PHONE_NATIONAL = re.compile(r"0[0-9]{6,14}")


def check_phone_in(value: str, country: object) -> str | None:
    """A phone number of the country its companion field names (`cellphone_country`, D-132).

    `country` not given (None or `""`) or `BE` (any case): the Belgian rule of `check_phone`.
    Any other country: the international form, or that country's national form, a `0` and 6 to
    14 more digits (`01511234567` in Germany, `0612345678` in the Netherlands). Spaces, dots,
    slashes, dashes and brackets are allowed; the value is never changed. A country that is no
    two-letter code is the country field's own error, and this rule still reads it as foreign.
    """
    if country is None or country == "" or (isinstance(country, str) and country.upper() == "BE"):
        return check_phone(value)
    digits = _PHONE_SEPARATORS.sub("", value)
    if _PHONE_NATIONAL.fullmatch(digits) or _PHONE_INTL.fullmatch(digits):
        return None
    name = country.upper() if isinstance(country, str) else show(country)
    return (
        f"not a phone number for {name} (national 0 and 6 to 14 digits, or +<country><number>): "
        f"{show(value)}"
    )


def coerce_phone(value: Any) -> str:
    """Only text is a phone number (an int would lose the leading 0)."""
    _refuse("a phone number as text", value)


def check_language(value: str) -> str | None:
    """`nl` or `fr`."""
    return None if value in ("nl", "fr") else f"expected 'nl' or 'fr', got {show(value)}"


def coerce_language(value: Any) -> str:
    """Only text is a language."""
    _refuse("'nl' or 'fr'", value)


_LANGUAGE_TAG = re.compile(r"(nl|fr)([_-][a-z]{2})?")


def decode_language(value: Any) -> str:
    """`nl` or `fr`, in any case, also as a locale (`nl_BE`, `fr-BE`); else `Untyped` (D-161)."""
    if type(value) is str:
        match = _LANGUAGE_TAG.fullmatch(value.strip().lower())
        if match is not None:
            return match.group(1)
    raise Untyped


def parse_language(text: str) -> str:
    """`nl` or `fr`."""
    if text not in ("nl", "fr"):
        msg = "must be nl or fr"
        raise ValueError(msg)
    return text


_COUNTRY = re.compile(r"[A-Za-z]{2}")


def check_country(value: str) -> str | None:
    """Two letters (ISO 3166-1 alpha-2), any case."""
    if _COUNTRY.fullmatch(value):
        return None
    return f"expected a two-letter country code (BE, NL, ...), got {show(value)}"


def coerce_country(value: Any) -> str:
    """Only text is a country code."""
    _refuse("a two-letter country code (BE, NL, ...)", value)


def ean_check_digit(first17: str) -> int:
    """The GS1 check digit over 17 digits: odd positions weigh 3, even positions 1."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(first17))
    return (10 - total % 10) % 10


_EAN = re.compile(r"[0-9]{18}")


def is_valid_ean(value: str) -> bool:
    """18 ASCII digits whose last one is the GS1 check digit of the first 17."""
    return bool(_EAN.fullmatch(value)) and ean_check_digit(value[:17]) == int(value[17])


def check_ean(value: str) -> str | None:
    """An 18-digit EAN of a Belgian energy meter with a valid check digit."""
    if not _EAN.fullmatch(value):
        return f"expected 18 digits, got {show(value)}"
    if not is_valid_ean(value):
        return f"the check digit of EAN {value} is wrong (expected {ean_check_digit(value[:17])})"
    return None


def coerce_ean(value: Any) -> str:
    """Only text is an EAN (an int would lose leading zeros)."""
    _refuse("18 digits as text", value)


_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def is_valid_iban(value: str) -> bool:
    """The ISO 13616 shape and mod-97 check; spaces are ignored."""
    if not value.isascii():
        return False
    compact = value.replace(" ", "").upper()
    if not _IBAN.fullmatch(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def check_iban(value: str) -> str | None:
    """An IBAN (`BExx xxxx xxxx xxxx`)."""
    return None if is_valid_iban(value) else f"not a valid IBAN: {show(value)}"


def coerce_iban(value: Any) -> str:
    """Only text is an IBAN."""
    msg = f"not a valid IBAN: {show(value)}"
    raise Invalid(msg)


_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")


def check_bic(value: str) -> str | None:
    """8 or 11 characters in the ISO 9362 shape."""
    if value.isascii() and _BIC.fullmatch(value.replace(" ", "").upper()):
        return None
    return f"not a BIC: {show(value)}"


def coerce_bic(value: Any) -> str:
    """Only text is a BIC."""
    msg = f"not a BIC: {show(value)}"
    raise Invalid(msg)


_VAT_SEPARATORS = re.compile(r"[ .]")
_VAT_DIGITS = re.compile(r"[01][0-9]{9}")


def is_valid_vat_be(value: str) -> bool:
    """`BE` (optional) + 10 digits starting with 0 or 1, whose last two are 97 - first8 mod 97."""
    if not value.isascii():
        return False
    compact = _VAT_SEPARATORS.sub("", value).upper().removeprefix("BE")
    if len(compact) == 9:
        compact = "0" + compact
    if not _VAT_DIGITS.fullmatch(compact):
        return False
    return 97 - int(compact[:8]) % 97 == int(compact[8:])


def check_vat_be(value: str) -> str | None:
    """A Belgian VAT number (`BE0xxx.xxx.xxx`)."""
    if is_valid_vat_be(value):
        return None
    return f"not a valid Belgian VAT number (BE0xxx.xxx.xxx): {show(value)}"


def coerce_vat_be(value: Any) -> str:
    """Only text is a VAT number."""
    msg = f"not a valid Belgian VAT number (BE0xxx.xxx.xxx): {show(value)}"
    raise Invalid(msg)


_POSTAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{2,9}")


def check_postal_code(value: str | int) -> str | None:
    """4 to 10 letters, digits, spaces or dashes (Belgian codes are 4 digits); an int counts."""
    text = str(value) if type(value) is int and value.bit_length() <= _MAX_BITS else value
    if isinstance(text, str) and _POSTAL.fullmatch(text):
        return None
    return f"not a postal code: {show(value)}"


def coerce_postal_code(value: Any) -> str | int:
    """Only text or a whole number is a postal code."""
    msg = f"not a postal code: {show(value)}"
    raise Invalid(msg)


_HOUSE_NUMBER = re.compile(r"([0-9]{1,10})[A-Za-z0-9 /.-]{0,10}")


def check_house_number(value: str | int) -> str | None:
    """A house number that starts with a number above 0 (`10`, `10A`, `10-12`)."""
    if type(value) is int:
        if value > 0 and value.bit_length() <= _MAX_BITS:
            return None
        return f"not a house number: {show(value)}"
    match = _HOUSE_NUMBER.fullmatch(value) if isinstance(value, str) else None
    if match is not None and int(match[1]) > 0:
        return None
    return f"not a house number (10, 10A, 10-12): {show(value)}"


def coerce_house_number(value: Any) -> str | int:
    """Only text or a whole number is a house number."""
    msg = f"not a house number (10, 10A, 10-12): {show(value)}"
    raise Invalid(msg)


def encode_text_or_number(value: str | int) -> str:
    """Text as it is, a whole number in decimal."""
    return value if type(value) is str else str(value)


def check_ip_address(value: str) -> str | None:
    """A dotted IPv4 or an IPv6 address (ASCII only)."""
    if value.isascii():
        try:
            ipaddress.ip_address(value)
        except ValueError:
            pass
        else:
            return None
    return f"not an IP address: {show(value)}"


def coerce_ip_address(value: Any) -> str:
    """Only text is an IP address."""
    msg = f"not an IP address: {show(value)}"
    raise Invalid(msg)


_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+")


def check_url(value: str) -> str | None:
    """An http(s) URL without spaces or control characters."""
    if text_problem(value) is None and _URL.fullmatch(value):
        return None
    return f"not an http(s) URL: {show(value)}"


def coerce_url(value: Any) -> str:
    """Only text is a URL."""
    msg = f"not an http(s) URL: {show(value)}"
    raise Invalid(msg)


def check_enum(value: str) -> str | None:
    """The field's `values` decide; here only that it is text."""
    return text_problem(value)


def coerce_enum(value: Any) -> str:
    """Text only (an enum of integers uses the integer type's rules)."""
    _refuse("one of the listed values", value)


# --- the table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScalarType:
    """One scalar schema type and all of its behaviour (see the module docstring)."""

    name: str
    annotation: str
    """The Python annotation on request models (`datetime` is imported as `datetime`)."""
    response: str
    """The Python annotation on response models."""
    exact: tuple[type[Any], ...]
    check: Callable[[Any], str | None]
    coerce: Callable[[Any], Any]
    encode: Callable[[Any], str]
    parse: Callable[[str], Any]
    decode: Callable[[Any], Any]
    wire: str
    """How the wire form reads, for docs."""
    encode_inline: str | None = None
    """`encode` as a Python expression over `{v}`, for generated code; None: call `encode`."""
    text: bool = False
    """Whether values are text (an explicit `""` is meaningful, surrogates are checked)."""
    empty: Any = ""
    """What the sandbox stores for an explicit empty value (`key=`)."""
    decode_always: bool = False
    """Whether every response value is decoded: `response` is no runtime type (a `Literal`)."""


def _scalar(
    name: str,
    annotation: str,
    response: str,
    exact: tuple[type[Any], ...],
    check: Callable[[Any], str | None],
    coerce: Callable[[Any], Any],
    wire: str,
    *,
    encode: Callable[[Any], str] = encode_text,
    encode_inline: str | None = "{v}",
    parse: Callable[[str], Any] = parse_text,
    decode: Callable[[Any], Any] = decode_text,
    text: bool = True,
    decode_always: bool = False,
) -> ScalarType:
    return ScalarType(
        name=name,
        annotation=annotation,
        response=response,
        exact=exact,
        check=check,
        coerce=coerce,
        encode=encode,
        parse=parse,
        decode=decode,
        wire=wire,
        encode_inline=encode_inline,
        text=text,
        empty="" if text else None,
        decode_always=decode_always,
    )


_NUMERIC: dict[str, Any] = {"text": False}


def _whole_number(name: str) -> ScalarType:
    return _scalar(
        name,
        "int",
        "int",
        (int,),
        check_integer,
        coerce_integer,
        "decimal",
        encode=encode_integer,
        encode_inline="str({v})",
        parse=parse_integer,
        decode=decode_integer,
        **_NUMERIC,
    )


VOCABULARY: dict[str, ScalarType] = {
    t.name: t
    for t in (
        _scalar("string", "str", "str", (str,), check_string, coerce_string, "as is"),
        _scalar(
            "identifier",
            "str | int",
            "str",
            (str, int),
            check_identifier,
            coerce_identifier,
            "exactly as given: text as is (leading zeros kept), a whole number in decimal",
            encode=encode_identifier,
            encode_inline="{v} if type({v}) is str else str({v})",
        ),
        # An open code (D-047) is a whole number on every path; only its documentation differs.
        *(_whole_number(name) for name in ("integer", "code")),
        _scalar(
            "number",
            "float",
            "float",
            (float,),
            check_number,
            coerce_number,
            "`80` for 80.0, else the shortest decimal (`80.5`)",
            encode=encode_number,
            encode_inline=None,
            parse=parse_number,
            decode=decode_number,
            **_NUMERIC,
        ),
        _scalar(
            "boolean",
            "bool",
            "bool",
            (bool,),
            check_boolean,
            coerce_boolean,
            "`1` / `0`",
            encode=encode_boolean,
            encode_inline='"1" if {v} else "0"',
            parse=parse_boolean,
            decode=decode_boolean,
            **_NUMERIC,
        ),
        _scalar(
            "date",
            "datetime.date",
            "datetime.date",
            (datetime.date,),
            check_date,
            coerce_date,
            "`YYYY-MM-DD`",
            encode=encode_date,
            encode_inline="{v}.isoformat()",
            parse=parse_date,
            decode=decode_date,
            **_NUMERIC,
        ),
        _scalar(
            "datetime",
            "datetime.datetime",
            "datetime.datetime",
            (datetime.datetime,),
            check_datetime,
            coerce_datetime,
            "`YYYY-MM-DD HH:MM:SS`",
            encode=encode_datetime,
            encode_inline=None,
            parse=parse_datetime,
            decode=decode_datetime,
            **_NUMERIC,
        ),
        _scalar(
            "email", "str", "str", (str,), check_email, coerce_email, "as is", parse=parse_email
        ),
        _scalar("phone", "str", "str", (str,), check_phone, coerce_phone, "as is"),
        _scalar(
            "language",
            'Literal["nl", "fr"]',
            'Literal["nl", "fr"]',
            (str,),
            check_language,
            coerce_language,
            "as is",
            parse=parse_language,
            decode=decode_language,
            decode_always=True,
        ),
        _scalar("country", "str", "str", (str,), check_country, coerce_country, "as is"),
        _scalar("ean", "str", "str", (str,), check_ean, coerce_ean, "as is"),
        _scalar("iban", "str", "str", (str,), check_iban, coerce_iban, "as is"),
        _scalar("bic", "str", "str", (str,), check_bic, coerce_bic, "as is"),
        _scalar("vat_be", "str", "str", (str,), check_vat_be, coerce_vat_be, "as is"),
        _scalar(
            "postal_code",
            "str | int",
            "str",
            (str, int),
            check_postal_code,
            coerce_postal_code,
            "as is (an int in decimal)",
            encode=encode_text_or_number,
            encode_inline="{v} if type({v}) is str else str({v})",
        ),
        _scalar(
            "house_number",
            "str | int",
            "str",
            (str, int),
            check_house_number,
            coerce_house_number,
            "as is (an int in decimal)",
            encode=encode_text_or_number,
            encode_inline="{v} if type({v}) is str else str({v})",
        ),
        _scalar("ip_address", "str", "str", (str,), check_ip_address, coerce_ip_address, "as is"),
        _scalar("url", "str", "str", (str,), check_url, coerce_url, "as is"),
        _scalar("enum", "str", "str", (str,), check_enum, coerce_enum, "as is"),
    )
}
"""Every scalar type of the schema, by name."""

COUNTRY_CHECKS: dict[str, Callable[[Any, Any], str | None]] = {"phone": check_phone_in}
"""Types whose check may read a sibling `country` field (`country_field` in the schema, D-132):
the type's check given the value and that field's value. The generated checks and the sandbox
call these, so the rule exists once."""

STRUCTURAL_TYPES: dict[str, str] = {
    "list": "a list of `item` (a scalar type) or, in responses, of `model`",
    "model": "a nested model (`model`), flattened with `prefix` in requests",
    "map": "responses only: a JSON object of `model` objects",
    "json": "responses only: any JSON, kept as sent",
    "constant": "requests only: `value`, always sent; never a caller's argument",
}
"""Types built from other types; codegen writes their behaviour from their parts."""
