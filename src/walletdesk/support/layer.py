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


class _Shard(RedisSingleShardConnection):  # type: ignore[misc]
    async def publish(self, channel: str, message: bytes) -> None:
        self._ensure_redis()
        await self._redis.publish(channel, message)


class _LoopLayer(RedisPubSubLoopLayer):  # type: ignore[misc]
    def __init__(self, hosts: Any = None, **kwargs: Any) -> None:
        super().__init__(hosts, **kwargs)
        self._shards = [_Shard(host, self) for host in decode_hosts(hosts)]


class PubSubChannelLayer(RedisPubSubChannelLayer):  # type: ignore[misc]
    def _get_layer(self) -> Any:
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = self._layers[loop] = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
            return layer
