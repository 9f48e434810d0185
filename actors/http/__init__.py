"""The HTTP pool actor and its connection layer (h11 over trio streams)."""

from ._connection import Connection as Connection
from ._pool import ConnectionPool as ConnectionPool
from ._pool import PoolLimits as PoolLimits
from ._pool import PoolStatistics as PoolStatistics
from ._pool import RateLimitHeaders as RateLimitHeaders
from ._pool import read_body as read_body
from ._proxy import Proxy as Proxy
from ._proxy import ProxyRoutes as ProxyRoutes

__all__ = [
    "Connection",
    "ConnectionPool",
    "PoolLimits",
    "PoolStatistics",
    "Proxy",
    "ProxyRoutes",
    "RateLimitHeaders",
    "read_body",
]
