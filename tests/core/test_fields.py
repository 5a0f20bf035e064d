"""URL fields: what is stored is what the callback sender can send, decided at validation."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from predictu_console.core.fields import CallbackTestUrl, NullableHttpsUrl

HTTPS_URL = TypeAdapter(NullableHttpsUrl)
TEST_URL = TypeAdapter(CallbackTestUrl)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://bücher.example/cb", "https://xn--bcher-kva.example/cb"),
        ("https://Bücher.Example:8443/cb", "https://xn--bcher-kva.example:8443/cb"),
        ("https://例え.テスト/cb", "https://xn--r8jz45g.xn--zckzah/cb"),
        ("https://api.example.com/bücher?q=ß", "https://api.example.com/b%C3%BCcher?q=%C3%9F"),
        ("https://[2001:db8::1]:8443/ü", "https://[2001:db8::1]:8443/%C3%BC"),
        ("https://api.example.com/cb", "https://api.example.com/cb"),
        ("https://API.Example.com/cb?x=%41", "https://API.Example.com/cb?x=%41"),
        ("https://xn--bcher-kva.example/cb", "https://xn--bcher-kva.example/cb"),
        ("https://127.0.0.1:8443/cb", "https://127.0.0.1:8443/cb"),
        ("https://api.example.com./cb", "https://api.example.com./cb"),
    ],
)
def test_internationalised_urls_are_stored_in_ascii_and_ascii_ones_unchanged(given, stored):
    assert HTTPS_URL.validate_python(given) == stored
    assert TEST_URL.validate_python(given) == stored
    assert HTTPS_URL.validate_python(stored) == stored  # idempotent: a re-save changes nothing


@pytest.mark.parametrize(
    "url",
    [
        "https://a..b.com/cb",
        "https://.example.com/cb",
        f"https://{'a' * 64}.example.com/cb",
        f"https://{'a.' * 127}com/cb",
        "https://-api.example.com/cb",
        "https://ex!ample.com/cb",
        "https://xn--zz.example/cb",
        "https://XN--ZZ.example/cb",
        "https://bü..cher.example/cb",
        "https://example.com:99999/cb",
        "https://example.com:abc/cb",
        "https://[::1/cb",
        "https://[zzz]/cb",
        "https:///cb",
        "https://user:pw@example.com/cb",
    ],
)
def test_urls_the_sender_could_not_use_are_refused(url):
    for adapter in (HTTPS_URL, TEST_URL):
        with pytest.raises(ValidationError) as refused:
            adapter.validate_python(url)
        [error] = refused.value.errors()
        assert error["msg"].startswith("Value error, must ")


def test_a_ping_url_may_use_another_scheme_for_the_ping_to_report():
    assert TEST_URL.validate_python("http://api.example.com/cb") == "http://api.example.com/cb"
    with pytest.raises(ValidationError):
        HTTPS_URL.validate_python("http://api.example.com/cb")
