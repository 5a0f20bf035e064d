"""Field types shared by every model: each carries its own rule and normalisation.

The rules are DESIGN §5's. They live on the types so the API, the console and the tests all
validate through the same pydantic models and nobody re-checks input by hand.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args
from urllib.parse import quote, urlsplit, urlunsplit

import idna
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    StrictInt,
    WithJsonSchema,
)
from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError

Category = Literal["politics", "sports", "crypto", "entertainment"]
CATEGORIES: tuple[Category, ...] = get_args(Category)
Status = Literal["onboarding", "active", "inactive"]
CallbackStatus = Literal["unknown", "healthy", "degraded", "failing"]

_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_URL_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")
_BAD_HOST = "must have a valid host name: dot-separated parts of 1–63 letters, digits or hyphens"
_PRINTABLE_ASCII = "".join(map(chr, range(0x21, 0x7F)))
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_ID = re.compile(r"^[a-z]{2,4}_[0-9A-Za-z]{1,64}$")


def is_id(value: str, prefix: str) -> bool:
    """True when `value` could be an id with `prefix`; lets lookups skip hopeless queries."""
    return value.startswith(f"{prefix}_") and bool(_ID.match(value))


def format_timestamp(moment: datetime) -> str:
    """`2025-03-18T14:30:00.000Z`: UTC, milliseconds, a literal Z."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: whole values as integers (`30`), others as floats."""
    return int(value) if value == value.to_integral_value() else float(value)


def _no_control_characters(value: str) -> str:
    # A terminal console prints these names: escape sequences must never reach it.
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in value):
        raise ValueError("must not contain control characters")
    return value


def _email(value: str) -> str:
    # pydantic's EmailStr check, as a plain validator: EmailStr imports email-validator when
    # a model using it is defined, which every command and the console paid on start-up;
    # here it is imported with the first address checked (issue 21).
    try:
        return validate_email(value)[1]
    except PydanticCustomError as error:
        # The library's "value is not a valid email address: An email address must have an
        # @-sign." becomes one sentence about the value, in the house's words.
        reason = str(error.context.get("reason", "") if error.context else "").rstrip(".")
        # Its reasons run to two sentences ("… is not valid. It should have a period").
        reason = re.sub(r"\. (\w)", lambda match: f"; {match.group(1).lower()}", reason)
        detail = f" ({reason[0].lower()}{reason[1:]})" if reason else ""
        raise ValueError(f"is not a valid email address{detail}") from None


def _name(value: str) -> str:
    value = _no_control_characters(value.strip())
    if not 3 <= len(value) <= 100:
        raise ValueError("must be 3–100 characters after trimming spaces")
    return value


def is_hostname(value: str) -> bool:
    """True for a lowercase DNS hostname with at least two labels and an alphabetic TLD."""
    labels = value.split(".")
    return (
        len(value) <= 253
        and len(labels) >= 2
        and all(_HOST_LABEL.match(label) for label in labels)
        and bool(_TLD.match(labels[-1]))
    )


def _domain(value: str) -> str:
    value = value.strip().lower()
    if not is_hostname(value):
        raise ValueError("must be a bare hostname such as example.com (no scheme, path or port)")
    return value


def _url_host(host: str) -> str:
    """The host as DNS sees it: an internationalised name in its IDNA (punycode) form."""
    if ":" in host:  # an IPv6 literal, which urlsplit has already checked
        return host
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode()
        except (idna.IDNAError, UnicodeError):
            raise ValueError(_BAD_HOST) from None
    labels = host.removesuffix(".").split(".")
    if len(host) > 253 or not all(_is_url_host_label(label) for label in labels):
        raise ValueError(_BAD_HOST)
    return host


def _is_url_host_label(label: str) -> bool:
    if not _URL_HOST_LABEL.match(label):
        return False
    if not label.lower().startswith("xn--"):
        return True
    try:
        idna.decode(label)
    except (idna.IDNAError, UnicodeError):
        return False
    return True


def _url(value: str, *, https_only: bool) -> str:
    """A URL the callback sender can use, stored in ASCII.

    Internationalised hosts are accepted and stored in their IDNA form (`bücher.example`
    becomes `xn--bcher-kva.example`), non-ASCII path, query and fragment characters
    percent-encoded as UTF-8, as browsers send them: what is stored is what is sent.
    Malformed hosts (an empty label, a label over 63 characters, characters no host name
    has), ports and IPv6 literals are refused here rather than discovered by a send.
    """
    value = value.strip()
    if len(value) > 2048:
        raise ValueError("must be at most 2048 characters")
    if any(char.isspace() for char in value):
        raise ValueError("must not contain spaces")
    _no_control_characters(value)
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        raise ValueError("must be a valid URL (check the host, port and brackets)") from None
    if https_only and parts.scheme.lower() != "https":
        raise ValueError("must use https://")
    if not hostname or parts.username or parts.password:
        raise ValueError("must be https://host/path with no user or password")
    host = _url_host(hostname)
    if value.isascii():
        return value
    netloc = parts.netloc
    if ":" not in host:
        _, colon, port = netloc.rpartition(":") if ":" in netloc else ("", "", "")
        netloc = host + colon + port
    escaped = (quote(part, safe=_PRINTABLE_ASCII) for part in parts[2:])
    return urlunsplit((parts.scheme, netloc, *escaped))


def _https_url(value: str) -> str:
    return _url(value, https_only=True)


def _test_url(value: str) -> str:
    # Any scheme passes: the PING itself answers NOT_HTTPS, as the spec's error table says.
    return _url(value, https_only=False)


def _origin(value: str) -> str:
    value = value.strip().lower()
    message = "must be an origin such as https://www.example.com or https://host:8443 (no path)"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(message) from None
    host = parts.hostname or ""
    if (
        parts.scheme != "https"
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username
        or not is_hostname(host)
    ):
        raise ValueError(message)
    return f"https://{host}" if port is None or port == 443 else f"https://{host}:{port}"


def _string_or_null(value: Any) -> Any:
    if value is not None and not isinstance(value, str):
        raise ValueError("must be a string or null")
    return value


def _optional_https_url(value: str | None) -> str | None:
    return None if value is None else _https_url(value)


def _hex_color(value: str) -> str:
    if not _HEX_COLOR.match(value):
        raise ValueError("must be a colour in #rrggbb form")
    return value.lower()


def _number(value: Any) -> Any:
    # JSON true, "30" and the like are typos, not percentages.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("must be a number")
    return value


def _categories(value: list[str]) -> list[str]:
    return [category for category in CATEGORIES if category in value]


def _unique(value: list[str]) -> list[str]:
    return list(dict.fromkeys(value))


# The JSON schemas below describe each rule for API clients and generators; the validators
# are what enforce them.
_HOST_PATTERN = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
_HTTPS_SCHEMA = {"type": "string", "pattern": r"^https://[^\s/?#@]+(/[^\s]*)?$", "maxLength": 2048}

Label = Annotated[str, AfterValidator(_no_control_characters), Field(min_length=1, max_length=100)]
SearchTerm = Annotated[str, AfterValidator(_no_control_characters), Field(max_length=200)]
OperatorName = Annotated[
    str,
    AfterValidator(_name),
    WithJsonSchema({"type": "string", "minLength": 3, "maxLength": 100, "pattern": r"^\S.*\S$"}),
]
Domain = Annotated[
    str,
    AfterValidator(_domain),
    WithJsonSchema({"type": "string", "pattern": f"^{_HOST_PATTERN}$", "maxLength": 253}),
]
Email = Annotated[
    str,
    AfterValidator(_email),
    Field(max_length=254),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254}),
]
CallbackTestUrl = Annotated[
    str,
    AfterValidator(_test_url),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 2048}),
]
"""A URL to PING: well-formed as a stored callback URL is, its scheme judged by the PING
(NOT_HTTPS)."""
NullableHttpsUrl = Annotated[
    str | None,
    BeforeValidator(_string_or_null),
    AfterValidator(_optional_https_url),
    WithJsonSchema({"anyOf": [_HTTPS_SCHEMA, {"type": "null"}]}),
]
Origin = Annotated[
    str,
    AfterValidator(_origin),
    WithJsonSchema({"type": "string", "pattern": f"^https://{_HOST_PATTERN}(:[0-9]{{1,5}})?$"}),
]
HexColor = Annotated[
    str,
    AfterValidator(_hex_color),
    WithJsonSchema({"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}),
]
RevenueShare = Annotated[
    Decimal,
    BeforeValidator(_number),
    Field(ge=1, le=99, decimal_places=2),
    WithJsonSchema({"type": "number", "minimum": 1, "maximum": 99, "multipleOf": 0.01}),
]
TierLimit = Annotated[StrictInt, Field(ge=1, le=1_000_000_000)]
PromoteDays = Annotated[StrictInt, Field(ge=1, le=365)]
PromoteTrades = Annotated[StrictInt, Field(ge=1, le=1_000_000)]
Categories = Annotated[
    list[Category], Field(min_length=1, max_length=20), AfterValidator(_categories)
]
Origins = Annotated[list[Origin], Field(max_length=100), AfterValidator(_unique)]

Timestamp = Annotated[datetime, PlainSerializer(format_timestamp, return_type=str)]
Share = Annotated[Decimal, PlainSerializer(json_number, return_type=int | float)]
Money = Annotated[Decimal, PlainSerializer(float, return_type=float)]
