"""HTTP proxies from the environment, as httpx honours them.

``HTTP_PROXY``, ``HTTPS_PROXY`` and ``ALL_PROXY`` (any case) choose a proxy per
scheme and ``NO_PROXY`` exempts hosts. Plain-http requests go to the proxy in
absolute form; https requests open a ``CONNECT`` tunnel and run TLS inside it.
"""

from __future__ import annotations

import base64
import functools
import urllib.parse
import urllib.request

import attrs
import httpx
import trio

from protocols._util import RemoteProtocolError
from protocols.http11 import NEED_DATA, ResponseHead, ResponseParser, encode_request_head

__all__ = ["Proxy", "ProxyRoutes", "open_tunnel", "proxy_display_name"]


@attrs.frozen(kw_only=True)
class Proxy:
    """One HTTP proxy."""

    host: str
    """Proxy host name or address."""
    port: int
    """Proxy port."""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    """Headers every request to the proxy carries (``Proxy-Authorization``)."""

    @property
    def name(self) -> str:
        """``host:port``, for messages (never the credentials)."""
        return f"{self.host}:{self.port}"

    @classmethod
    def from_url(cls, url: str) -> Proxy:
        """The proxy a URL names.

        Raises:
            ValueError: the URL is malformed or not ``http://``; the message
                names the proxy's ``host:port`` as written, never its credentials.
        """
        where = proxy_display_name(url)
        try:
            parts = urllib.parse.urlsplit(url if "://" in url else "http://" + url)
            port = parts.port
        except ValueError as exc:
            # urllib's own words ("Port out of range 0-65535"); they quote no credentials.
            raise ValueError(f"the proxy URL for {where} is malformed: {exc}") from None
        if parts.scheme not in ("http", ""):
            raise ValueError(
                f"the proxy {where} is {parts.scheme}://; only http:// proxies are supported"
            )
        if not parts.hostname:
            raise ValueError(f"the proxy URL for {where} has no host")
        headers: tuple[tuple[bytes, bytes], ...] = ()
        if parts.username is not None:
            user = urllib.parse.unquote(parts.username)
            password = urllib.parse.unquote(parts.password or "")
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            headers = ((b"Proxy-Authorization", f"Basic {token}".encode("ascii")),)
        return cls(host=parts.hostname, port=port or 80, headers=headers)


def proxy_display_name(url: str) -> str:
    """What a message may show of a proxy URL: its ``host:port`` part, credentials cut off."""
    rest = url.split("://", 1)[-1]
    netloc = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    netloc = netloc.rsplit("@", 1)[-1]
    return netloc or "(no host)"


@attrs.frozen(kw_only=True)
class ProxyRoutes:
    """Which proxy, if any, serves each scheme, and the hosts that bypass them.

    Proxy URLs are parsed when a request first needs one, after ``NO_PROXY``
    had its say: an unsupported proxy that no request uses does not stop the
    client from starting.
    """

    by_scheme: dict[str, str] = attrs.field(factory=dict[str, str])
    """``"http"``/``"https"`` to the URL of the proxy for that scheme."""
    no_proxy: str = ""
    """The ``NO_PROXY`` value, in the stdlib's syntax."""

    @classmethod
    def from_environment(cls) -> ProxyRoutes:
        found = urllib.request.getproxies_environment()
        routes: dict[str, str] = {}
        for scheme in ("http", "https"):
            url = found.get(scheme) or found.get("all")
            if url:
                routes[scheme] = url
        return cls(by_scheme=routes, no_proxy=found.get("no", ""))

    def for_origin(self, origin: tuple[bytes, bytes, int]) -> Proxy | None:
        """The proxy for ``origin``, or None to connect directly.

        Raises:
            httpx.ProxyError: the proxy URL configured for it is malformed or
                not an ``http://`` one.
        """
        if not self.by_scheme:
            return None
        scheme, host, _ = origin
        url = self.by_scheme.get(scheme.decode("ascii"))
        if url is None or self._bypassed(host.decode("ascii")):
            return None
        try:
            return _parse_proxy(url)
        except ValueError as exc:
            raise httpx.ProxyError(str(exc)) from None  # the cause may quote the URL

    def _bypassed(self, host: str) -> bool:
        if not self.no_proxy:
            return False
        if self.no_proxy.strip() == "*":
            return True
        for entry in self.no_proxy.split(","):
            entry = entry.strip().lstrip(".").lower()
            if entry and (host == entry or host.endswith("." + entry)):
                return True
        return False


@functools.lru_cache(maxsize=16)
def _parse_proxy(url: str) -> Proxy:
    return Proxy.from_url(url)


async def open_tunnel(stream: trio.SocketStream, proxy: Proxy, host: bytes, port: int) -> None:
    """Ask the proxy on ``stream`` for a tunnel to ``host:port``.

    Raises:
        httpx.ProxyError: the proxy refused, answered something other than 2xx,
            broke the connection, or sent bytes past its answer before the
            tunnel's TLS began. The message names the proxy, not its credentials.
    """
    authority = host + b":" + str(port).encode("ascii")
    target = authority.decode("ascii", "replace")
    parser = ResponseParser(request_method=b"CONNECT")
    try:
        await stream.send_all(
            encode_request_head(b"CONNECT", authority, [(b"Host", authority), *proxy.headers])
        )
        while (event := parser.next_event()) is NEED_DATA:
            parser.feed(bytes(await stream.receive_some(16 * 1024)))
    except RemoteProtocolError as exc:
        raise httpx.ProxyError(
            f"the proxy {proxy.name} answered CONNECT {target} with bad HTTP: {exc}"
        ) from exc
    except (OSError, trio.BrokenResourceError) as exc:
        raise httpx.ProxyError(
            f"the proxy {proxy.name} broke the connection during CONNECT {target}: {exc}"
        ) from exc
    if not isinstance(event, ResponseHead):
        raise httpx.ProxyError(f"the proxy {proxy.name} sent no answer to CONNECT {target}")
    if not 200 <= event.status_code < 300:
        hint = ""
        if event.status_code == 407:
            hint = " (proxy authentication required: check the user and password in the proxy URL)"
        raise httpx.ProxyError(
            f"the proxy {proxy.name} refused the tunnel to {target}: {event.status_code}{hint}"
        )
    if parser.trailing_data:
        raise httpx.ProxyError(
            f"the proxy {proxy.name} sent data before the tunnel to {target} was in use"
        )
