"""Where webhooks may go: public addresses only (server-side request forgery).

A webhook URL is typed by a person and then fetched by our servers, so it
could name an internal service (``http://127.0.0.1:6379/``, a cloud metadata
address, a private network). Every address the host name resolves to must be
globally routable; the check runs when the endpoint is saved and again right
before each delivery, and the connection then goes to the checked address
(``sender.py`` pins it), so a DNS answer that changes in between (DNS
rebinding) cannot redirect the request. Redirects are never followed.

``WEBHOOKS["ALLOW_PRIVATE"]`` (``WALLETDESK_WEBHOOKS_ALLOW_PRIVATE``; on by
default outside production) lets development and tests post to a receiver on
the same machine.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import conf
from .errors import InvalidWebhookUrl, WebhookAddressNotAllowed, WebhookHostNotFound

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # the name as written (Host header, TLS server name)
    port: int
    path: str  # path and query
    address: str  # the checked IP address to connect to


def allow_private() -> bool:
    return conf.get().allow_private


# IPv6 ranges that carry or once named a non-public address: 6to4 (2002::/16 wraps an IPv4
# address, often a private one) and the deprecated site-local range (fec0::/10). Python's
# is_global does not refuse either.
REFUSED_V6 = (ipaddress.IPv6Network("2002::/16"), ipaddress.IPv6Network("fec0::/10"))


def is_public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address) and any(ip in net for net in REFUSED_V6):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback
                                 or ip.is_link_local or ip.is_private or ip.is_unspecified)


def parse_url(url: object) -> tuple[str, str, int, str]:
    if not isinstance(url, str) or len(url) > 500 or any(c.isspace() for c in url):
        raise InvalidWebhookUrl()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidWebhookUrl() from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username \
            or parts.password or parts.fragment:
        raise InvalidWebhookUrl()
    if conf.get().require_https and parts.scheme != "https":
        raise InvalidWebhookUrl()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError:
        raise InvalidWebhookUrl() from None
    except OSError:  # socket.gaierror included: the name does not resolve
        raise WebhookHostNotFound() from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def check(url: object) -> Target:
    """The URL's parts and one address that may be connected to; raises when none may."""
    scheme, host, port, path = parse_url(url)
    addresses = resolve(host, port)
    if not addresses:
        raise WebhookHostNotFound()
    if not allow_private() and not all(is_public(ip) for ip in addresses):
        raise WebhookAddressNotAllowed()
    return Target(scheme, host, port, path, str(addresses[0]))
