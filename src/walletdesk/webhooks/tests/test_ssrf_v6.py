"""The webhook address filter refuses 6to4 (2002::/16, which wraps an IPv4 address such as
192.168.1.1) and the old site-local range fec0::/10 (issue 15, finding 13)."""

from __future__ import annotations

from typing import Any

import pytest

from walletdesk.webhooks import services
from walletdesk.webhooks.models import Endpoint

pytestmark = [pytest.mark.django_db, pytest.mark.security]


@pytest.mark.parametrize("url", ["http://[2002:c0a8:101::1]/hook", "http://[2002:7f00:1::]/x",
                                 "http://[fec0::1]/hook", "http://[feff::abcd]/x"])
def test_6to4_and_site_local_addresses_are_refused(settings: Any, url: str) -> None:
    from walletdesk.webhooks.errors import WebhookAddressNotAllowed

    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOW_PRIVATE": False}
    with pytest.raises(WebhookAddressNotAllowed):
        services.create_endpoint(url=url)
    assert Endpoint.objects.count() == 0
