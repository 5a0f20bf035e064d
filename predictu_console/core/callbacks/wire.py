"""What both halves of the callback sender share: which addresses a callback may reach, what
an answer is, and how a send fails.

`sender.py` (imported by the console and the worker) and `transport.py` (httpcore, imported
on the first send) both need these; here, neither imports the other at module level.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

MAX_RESPONSE_BYTES = 64 * 1024
KEEPALIVE_SECONDS = 30.0
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV6_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SPECIAL_PURPOSE: dict[str, bool] = {
    # IANA IPv4 Special-Purpose Address Registry: prefix → "Globally Reachable".
    "0.0.0.0/8": False,
    "10.0.0.0/8": False,
    "100.64.0.0/10": False,
    "127.0.0.0/8": False,
    "169.254.0.0/16": False,
    "172.16.0.0/12": False,
    "192.0.0.0/24": False,
    "192.0.0.9/32": True,
    "192.0.0.10/32": True,
    "192.0.2.0/24": False,
    "192.31.196.0/24": True,
    "192.52.193.0/24": True,
    "192.88.99.0/24": False,
    "192.168.0.0/16": False,
    "192.175.48.0/24": True,
    "198.18.0.0/15": False,
    "198.51.100.0/24": False,
    "203.0.113.0/24": False,
    "240.0.0.0/4": False,
    "255.255.255.255/32": False,
    # Not in that registry, never a unicast peer: multicast.
    "224.0.0.0/4": False,
    # IANA IPv6 Special-Purpose Address Registry. ::ffff:0:0/96, 64:ff9b::/96 and 2002::/16
    # never get here: `embedded_ipv4` judges the IPv4 address they carry instead.
    "::/128": False,
    "::1/128": False,
    "64:ff9b:1::/48": False,
    "100::/64": False,
    "100:0:0:1::/64": False,
    "2001::/23": False,
    "2001::/32": False,
    "2001:1::1/128": True,
    "2001:1::2/128": True,
    "2001:1::3/128": True,
    "2001:2::/48": False,
    "2001:3::/32": True,
    "2001:4:112::/48": True,
    "2001:10::/28": False,
    "2001:20::/28": True,
    "2001:30::/28": True,
    "2001:db8::/32": False,
    "2620:4f:8000::/48": True,
    "3fff::/20": False,
    "5f00::/16": False,
    "fc00::/7": False,
    "fe80::/10": False,
    # Not in that registry: deprecated site-local (RFC 3879) and multicast.
    "fec0::/10": False,
    "ff00::/8": False,
}
"""Every special-purpose range and whether a callback may reach it: only where the registry
says "globally reachable" (anycast services such as AS112 and AMT). Unlisted IPv4 addresses
are public; unlisted IPv6 addresses are public only inside global unicast, 2000::/3."""

_RANGES = sorted(
    ((ipaddress.ip_network(prefix), reachable) for prefix, reachable in SPECIAL_PURPOSE.items()),
    key=lambda entry: entry[0].prefixlen,
    reverse=True,
)


class CallbackFailure(Exception):
    """A delivery failed; `code` is one of the spec §7 errors, or BLOCKED_ADDRESS, INVALID_URL
    (a URL that cannot be sent to) or SEND_FAILED (an unexpected error, logged)."""

    def __init__(self, code: str, message: str, *, ip: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.ip = code, message, ip


@dataclass(frozen=True)
class Response:
    """What came back from a delivery that reached the operator's server."""

    status: int
    body: bytes
    tls_version: str | None
    ip: str | None


def embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address hidden in an IPv4-mapped, 6to4 or NAT64 IPv6 address, else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address.sixtofour:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_public(address: IPAddress) -> bool:
    """False for every address that is not globally reachable: a callback must never reach
    into the platform's own networks, nor anywhere the internet does not route.

    The table above decides, not `ipaddress.is_global`, whose ranges vary between Python
    versions; the most specific listed range wins.
    """
    address = embedded_ipv4(address)
    for network, reachable in _RANGES:
        if network.version == address.version and address in network:
            return reachable
    return address.version == 4 or address in _IPV6_GLOBAL_UNICAST
