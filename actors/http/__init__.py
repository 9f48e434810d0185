"""The HTTP pool actor and its connection layer (our HTTP/1.1 codec over trio streams)."""

from ._connection import Connection as Connection
from ._connection import ReadTimer as ReadTimer
from ._pool import ConnectionPool as ConnectionPool
from ._pool import HeaderField as HeaderField
from ._pool import PoolLimits as PoolLimits
from ._pool import PoolStatistics as PoolStatistics
from ._pool import RateLimitHeaders as RateLimitHeaders
from ._pool import read_body as read_body
from ._pool import request_with_body as request_with_body
from ._proxy import Proxy as Proxy
from ._proxy import ProxyRoutes as ProxyRoutes

__all__ = [
    "Connection",
    "ConnectionPool",
    "HeaderField",
    "PoolLimits",
    "PoolStatistics",
    "Proxy",
    "ProxyRoutes",
    "RateLimitHeaders",
    "ReadTimer",
    "read_body",
    "request_with_body",
]
