from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def fit_channels_redis_timeouts() -> None:
    """channels_redis blocks in BZPOPMIN for ``brpop_timeout`` (5 s) while redis-py 8 reads
    with a default socket timeout of 5 s: an idle socket's receive loop then dies with
    "Timeout reading from Redis" and the consumer closes. Keep the blocking pop well inside
    the socket timeout (until settings pass an explicit ``socket_timeout``)."""
    try:
        from channels_redis.core import RedisChannelLayer
        from redis._defaults import DEFAULT_SOCKET_TIMEOUT
    except ImportError:  # pragma: no cover - other versions
        return
    if DEFAULT_SOCKET_TIMEOUT and RedisChannelLayer.brpop_timeout >= DEFAULT_SOCKET_TIMEOUT:
        RedisChannelLayer.brpop_timeout = max(1, int(DEFAULT_SOCKET_TIMEOUT) // 2)


def connect_socket_closing() -> None:
    """A browser's sign-out, and every end of sessions or tokens that accounts announces (a
    device signed out, sign out everywhere, a reset, a freeze, an API logout), closes the
    user's websockets whose credential ended, in every process."""
    from django.contrib.auth.signals import user_logged_out

    from walletdesk.accounts.signals import credentials_ended

    from . import sockets

    def logged_out(sender: object, user: object = None, **kwargs: object) -> None:
        if getattr(user, "pk", None):
            sockets.close_for_user(user.pk)  # type: ignore[attr-defined]

    def ended(sender: object, user_id: int, **kwargs: object) -> None:
        sockets.close_for_user(user_id)

    user_logged_out.connect(logged_out, dispatch_uid="support.sockets.logged_out", weak=False)
    credentials_ended.connect(ended, dispatch_uid="support.sockets.credentials_ended", weak=False)


class SupportConfig(AppConfig):
    name = "walletdesk.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from walletdesk.directory import waits as directory_waits

        from .services import waits

        directory_waits.register(waits.channel_estimate)
        fit_channels_redis_timeouts()
        connect_socket_closing()
