"""Proxy errors name the proxy and never its credentials, whatever the URL holds."""

from __future__ import annotations

import string

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from actors.http import ProxyRoutes
from actors.http._proxy import Proxy, proxy_display_name

# Anything a password may hold in a URL, except the characters that end the
# userinfo part ('@' is allowed: the last one ends it).
_password = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:%@ "),
    min_size=0,
    max_size=20,
).map(lambda tail: "S3CR3T" + tail)
_port = st.one_of(st.integers(0, 70000).map(str), st.text(string.ascii_letters, max_size=5))
_scheme = st.sampled_from(["http://", "https://", "socks5://", ""])


@given(_scheme, _password, st.sampled_from(["proxy.local", "10.0.0.1", "[::1]", ""]), _port)
def test_messages_about_a_proxy_url_never_hold_its_password(
    scheme: str, password: str, host: str, port: str
) -> None:
    url = f"{scheme}user:{password}@{host}" + (f":{port}" if port else "")
    shown = proxy_display_name(url)
    assert "S3CR3T" not in shown
    try:
        Proxy.from_url(url)
    except ValueError as exc:
        assert "S3CR3T" not in str(exc)
        assert exc.__cause__ is None or "S3CR3T" not in str(exc.__cause__)
    routes = ProxyRoutes(by_scheme={"https": url})
    try:
        routes.for_origin((b"https", b"api.openai.com", 443))
    except httpx.ProxyError as exc:
        assert "S3CR3T" not in str(exc)


def test_the_display_name_is_host_and_port() -> None:
    assert proxy_display_name("http://u:p@proxy.local:3128/") == "proxy.local:3128"
    assert proxy_display_name("proxy.local:3128") == "proxy.local:3128"
    assert proxy_display_name("http://u:p@") == "(no host)"
    assert Proxy(host="proxy.local", port=3128).name == "proxy.local:3128"


def test_a_malformed_port_names_the_proxy() -> None:
    with pytest.raises(ValueError, match=r"proxy\.local:99999 is malformed"):
        Proxy.from_url("http://proxy.local:99999")
