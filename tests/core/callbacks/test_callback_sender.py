"""The SSRF guard, judged against IANA's special-purpose address registries, without traffic."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.callbacks.wire import CallbackFailure, is_public

# Written out from the IANA IPv4 and IPv6 Special-Purpose Address Registries (prefix, whether
# the registry calls it globally reachable), plus the ranges a callback must never reach that
# those registries do not list: multicast and deprecated site-local. The guard must agree
# with this table, not with whatever `ipaddress.is_global` says on this Python.
REGISTRY = [
    ("0.0.0.0/8", False),
    ("10.0.0.0/8", False),
    ("100.64.0.0/10", False),
    ("127.0.0.0/8", False),
    ("169.254.0.0/16", False),
    ("172.16.0.0/12", False),
    ("192.0.0.0/24", False),
    ("192.0.0.0/29", False),
    ("192.0.0.8/32", False),
    ("192.0.0.9/32", True),
    ("192.0.0.10/32", True),
    ("192.0.0.170/31", False),
    ("192.0.2.0/24", False),
    ("192.31.196.0/24", True),
    ("192.52.193.0/24", True),
    ("192.88.99.0/24", False),
    ("192.168.0.0/16", False),
    ("192.175.48.0/24", True),
    ("198.18.0.0/15", False),
    ("198.51.100.0/24", False),
    ("203.0.113.0/24", False),
    ("224.0.0.0/4", False),
    ("240.0.0.0/4", False),
    ("255.255.255.255/32", False),
    ("::/128", False),
    ("::1/128", False),
    ("64:ff9b:1::/48", False),
    ("100::/64", False),
    ("100:0:0:1::/64", False),
    ("2001::/23", False),
    ("2001::/32", False),
    ("2001:1::1/128", True),
    ("2001:1::2/128", True),
    ("2001:1::3/128", True),
    ("2001:2::/48", False),
    ("2001:3::/32", True),
    ("2001:4:112::/48", True),
    ("2001:10::/28", False),
    ("2001:20::/28", True),
    ("2001:30::/28", True),
    ("2001:db8::/32", False),
    ("2620:4f:8000::/48", True),
    ("3fff::/20", False),
    ("5f00::/16", False),
    ("fc00::/7", False),
    ("fe80::/10", False),
    ("fec0::/10", False),
    ("ff00::/8", False),
]
NESTED_EXCEPTIONS = {"192.0.0.9", "192.0.0.10", "2001:1::1", "2001:1::2"}


def _samples(prefix: str) -> list[str]:
    """The first, a middle and the last address of a range, skipping nested exceptions."""
    network = ipaddress.ip_network(prefix)
    middle = network.network_address + network.num_addresses // 2
    picked = {network.network_address, middle, network.broadcast_address}
    return sorted(str(address) for address in picked if str(address) not in NESTED_EXCEPTIONS)


@pytest.mark.parametrize(
    ("address", "reachable"),
    [(address, reachable) for prefix, reachable in REGISTRY for address in _samples(prefix)],
)
def test_the_guard_follows_the_special_purpose_registries(address, reachable):
    assert is_public(ipaddress.ip_address(address)) is reachable


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "203.0.114.1",
        "198.20.0.1",
        "100.128.0.1",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",
        "2002:808:808::1",
        "64:ff9b::808:808",
    ],
)
def test_public_addresses_stay_allowed(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "fec0::1",
        "feff:ffff::1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:a00:1::1",  # 6to4 around 10.0.0.1
        "2002:c0a8:101::",  # 6to4 around 192.168.1.1
        "64:ff9b::7f00:1",  # NAT64 around 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 around the metadata address
        "::a00:1",  # IPv4-compatible, deprecated
        "4000::1",  # outside global unicast, unassigned
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_wrapped_private_and_unroutable_ipv6_addresses_are_refused(address):
    assert not is_public(ipaddress.ip_address(address))


def test_a_name_that_resolves_to_site_local_is_blocked_before_connecting(monkeypatch):
    def site_local(host, port, *_args, **_kwargs):
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("fec0::1", port, 0, 0))]

    def no_connection(*_args, **_kwargs):
        raise AssertionError("the guard let a connection start")

    monkeypatch.setattr(socket, "getaddrinfo", site_local)
    monkeypatch.setattr(socket, "create_connection", no_connection)
    with pytest.raises(CallbackFailure) as refused:
        CallbackSender().post("https://inside.example/cb", b"{}", {}, timeout_ms=1000)
    assert (refused.value.code, refused.value.ip) == ("BLOCKED_ADDRESS", "fec0::1")


@pytest.mark.parametrize(
    "url",
    [
        "https://bücher.example/cb",
        "https://example.com/bücher",
        "https://a..b.com/cb",
        "https://.example.com/cb",
        f"https://{'a' * 64}.example.com/cb",
        "https://example.com:99999/cb",
        "https://[::1/cb",
        "https://[zzz]/cb",
    ],
)
def test_a_url_the_sender_cannot_use_is_an_invalid_url_failure(url, monkeypatch):
    def no_connection(*_args, **_kwargs):
        raise AssertionError("an invalid URL reached the network")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    with pytest.raises(CallbackFailure) as failed:
        CallbackSender(allow_private=True).post(url, b"{}", {}, timeout_ms=1000)
    assert failed.value.code == "INVALID_URL"
