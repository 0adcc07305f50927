"""The channel layer of the deployment: channels_redis' Redis pub/sub layer, publishing in
parallel.

channels_redis' pub/sub layer sends every PUBLISH under the one lock that also guards its
subscriptions, so a process's group sends wait for each other's Redis round trip: under load
(a busy Redis, a busy machine) they queue behind each other. Here a PUBLISH goes out on a
pooled connection at once; the lock still orders SUBSCRIBE/UNSUBSCRIBE on the one subscriber
connection. Nothing else changes: one PUBLISH per group send, one subscription per group and
process, nothing stored in Redis (the chat keeps every message in the database and fills gaps
from there).
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer, RedisSingleShardConnection
from channels_redis.utils import _wrap_close, decode_hosts

PUBLISH_CONNECTIONS = 16


def bounded_client(address: str, size: int = PUBLISH_CONNECTIONS, **options: Any) -> Any:
    """A Redis client whose pool holds at most ``size`` connections (callers wait for a free
    one): a burst of sends must not open hundreds of connections (each costs a handshake, and
    redis-py reads its package metadata for it; measured: a tenth of a busy server's time)."""
    from redis import asyncio as aioredis

    pool = aioredis.BlockingConnectionPool.from_url(address, timeout=20, **options)
    pool.max_connections = size  # after from_url: the URL's own max_connections would win
    return aioredis.Redis(connection_pool=pool)


class _Shard(RedisSingleShardConnection):
    _publisher: Any = None

    async def publish(self, channel: str, message: bytes) -> None:
        if self._publisher is None:
            host = dict(self.host)
            self._publisher = bounded_client(host.pop("address"), **host)
        await self._publisher.publish(channel, message)

    async def flush(self) -> None:
        await super().flush()
        if self._publisher is not None:
            publisher, self._publisher = self._publisher, None
            await publisher.aclose(close_connection_pool=True)


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, hosts: Any = None, **kwargs: Any) -> None:
        super().__init__(hosts, **kwargs)
        self._shards = [_Shard(host, self) for host in decode_hosts(hosts)]


class PubSubChannelLayer(RedisPubSubChannelLayer):
    def _get_layer(self) -> Any:
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
            return layer
