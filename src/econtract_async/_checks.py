"""Value checks for every scalar type of the schema vocabulary.

Each check takes a value and returns `None` when it is fine, or a message saying what is wrong.
They never raise, whatever they are given: bad input must end in a `ValidationError`.
"""

from __future__ import annotations

import datetime
import ipaddress
import math
import re
from collections.abc import Callable
from typing import Any

__all__ = ["CHECKS", "Check", "ean_check_digit", "is_valid_ean", "is_valid_iban", "is_valid_vat_be"]

Check = Callable[[Any], str | None]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE_SEPARATORS = re.compile(r"[ ./()-]")
_PHONE_BE = re.compile(r"^0\d{8,9}$")
_PHONE_INTL = re.compile(r"^(\+|00)[1-9]\d{7,14}$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_POSTAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{2,9}$")
_HOUSE_NUMBER = re.compile(r"^\d+[A-Za-z0-9 /.-]{0,10}$")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"expected text, got {_show(value)}"


def check_string(value: Any) -> str | None:
    """Any text."""
    return _is_text(value)


def check_integer(value: Any) -> str | None:
    """A whole number (not a bool)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    return f"expected a whole number, got {_show(value)}"


def check_number(value: Any) -> str | None:
    """A finite int or float (not a bool)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return None
    return f"expected a number, got {_show(value)}"


def check_boolean(value: Any) -> str | None:
    """True or False."""
    return None if isinstance(value, bool) else f"expected true or false, got {_show(value)}"


def check_date(value: Any) -> str | None:
    """A `datetime.date` (not a datetime)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return None
    return f"expected a date (YYYY-MM-DD), got {_show(value)}"


def check_datetime(value: Any) -> str | None:
    """A `datetime.datetime`."""
    if isinstance(value, datetime.datetime):
        return None
    return f"expected a date and time (YYYY-MM-DD HH:MM:SS), got {_show(value)}"


def check_email(value: Any) -> str | None:
    """One `@`, a dotted domain, no spaces."""
    if not isinstance(value, str) or not _EMAIL.match(value):
        return f"not an e-mail address: {_show(value)}"
    return None


def check_phone(value: Any) -> str | None:
    """A Belgian national number (0xxxxxxxx, 04xxxxxxxx) or an international one (+32...)."""
    if not isinstance(value, str):
        return f"expected a phone number as text, got {_show(value)}"
    digits = _PHONE_SEPARATORS.sub("", value)
    if _PHONE_BE.match(digits) or _PHONE_INTL.match(digits):
        return None
    return f"not a phone number (0xxxxxxxx, 04xxxxxxxx or +32xxxxxxxxx): {_show(value)}"


def check_language(value: Any) -> str | None:
    """`nl` or `fr`."""
    return (
        None
        if value in ("nl", "fr") and isinstance(value, str)
        else f"expected 'nl' or 'fr', got {_show(value)}"
    )


def check_country(value: Any) -> str | None:
    """Two letters (ISO 3166-1 alpha-2), any case."""
    if isinstance(value, str) and _COUNTRY.match(value):
        return None
    return f"expected a two-letter country code (BE, NL, ...), got {_show(value)}"


def ean_check_digit(first17: str) -> int:
    """The GS1 check digit over 17 digits: odd positions weigh 3, even positions 1."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(first17))
    return (10 - total % 10) % 10


def is_valid_ean(value: str) -> bool:
    """18 digits whose last one is the GS1 check digit of the first 17."""
    return (
        len(value) == 18
        and value.isascii()
        and value.isdigit()
        and ean_check_digit(value[:17]) == int(value[17])
    )


def check_ean(value: Any) -> str | None:
    """An 18-digit EAN of a Belgian energy meter with a valid check digit."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) != 18:
        return f"expected 18 digits, got {_show(value)}"
    if not is_valid_ean(value):
        return f"the check digit of EAN {value} is wrong (expected {ean_check_digit(value[:17])})"
    return None


def is_valid_iban(value: str) -> bool:
    """The ISO 13616 shape and mod-97 check; spaces are ignored."""
    compact = value.replace(" ", "").upper()
    if not _IBAN.match(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def check_iban(value: Any) -> str | None:
    """An IBAN (`BExx xxxx xxxx xxxx`)."""
    if isinstance(value, str) and is_valid_iban(value):
        return None
    return f"not a valid IBAN: {_show(value)}"


def check_bic(value: Any) -> str | None:
    """8 or 11 characters in the ISO 9362 shape."""
    if isinstance(value, str) and _BIC.match(value.replace(" ", "").upper()):
        return None
    return f"not a BIC: {_show(value)}"


def is_valid_vat_be(value: str) -> bool:
    """`BE` (optional) + 10 digits starting with 0 or 1, whose last two are 97 - first8 mod 97."""
    compact = re.sub(r"[ .]", "", value).upper()
    compact = compact.removeprefix("BE")
    if len(compact) == 9:
        compact = "0" + compact
    if (
        len(compact) != 10
        or not compact.isascii()
        or not compact.isdigit()
        or compact[0] not in "01"
    ):
        return False
    return 97 - int(compact[:8]) % 97 == int(compact[8:])


def check_vat_be(value: Any) -> str | None:
    """A Belgian VAT number (`BE0xxx.xxx.xxx`)."""
    if isinstance(value, str) and is_valid_vat_be(value):
        return None
    return f"not a valid Belgian VAT number (BE0xxx.xxx.xxx): {_show(value)}"


def check_postal_code(value: Any) -> str | None:
    """4 to 10 letters, digits, spaces or dashes (Belgian codes are 4 digits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and _POSTAL.match(value):
        return None
    return f"not a postal code: {_show(value)}"


def check_house_number(value: Any) -> str | None:
    """A house number that starts with a digit (`10`, `10A`, `10-12`)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return None if value > 0 else f"not a house number: {_show(value)}"
    if isinstance(value, str) and _HOUSE_NUMBER.match(value):
        return None
    return f"not a house number (10, 10A, 10-12): {_show(value)}"


def check_ip_address(value: Any) -> str | None:
    """A dotted IPv4 or an IPv6 address."""
    if isinstance(value, str):
        try:
            ipaddress.ip_address(value)
        except ValueError:
            pass
        else:
            return None
    return f"not an IP address: {_show(value)}"


def check_url(value: Any) -> str | None:
    """An http(s) URL without spaces."""
    if isinstance(value, str) and value.startswith(("http://", "https://")) and " " not in value:
        return None
    return f"not an http(s) URL: {_show(value)}"


CHECKS: dict[str, Check] = {
    "string": check_string,
    "integer": check_integer,
    "code": check_integer,
    "number": check_number,
    "boolean": check_boolean,
    "date": check_date,
    "datetime": check_datetime,
    "email": check_email,
    "phone": check_phone,
    "language": check_language,
    "country": check_country,
    "ean": check_ean,
    "iban": check_iban,
    "bic": check_bic,
    "vat_be": check_vat_be,
    "postal_code": check_postal_code,
    "house_number": check_house_number,
    "ip_address": check_ip_address,
    "url": check_url,
}
