"""ASGI entry point: HTTP through Django, websockets through Channels."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "walletdesk.settings")

import django

django.setup(set_prefix=False)

from walletdesk.core.httphandler import OneHandoffASGIHandler  # noqa: E402

# Django's HTTP handling with one hand-off to a thread per request (issue #16).
django_app = OneHandoffASGIHandler()

from walletdesk.core.checks import refuse_unsafe_application  # noqa: E402

# However the server was started (`walletdesk serve`, or uvicorn, daphne, gunicorn importing
# this module directly), production refuses an unsafe state here (ADR 0091).
refuse_unsafe_application("asgi")

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from walletdesk.support.wsauth import SocketAuthMiddleware  # noqa: E402
from walletdesk.websockets import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_app,
        # Bearer header (native apps) or session cookie with an exact Origin (browsers).
        "websocket": SocketAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)

# Everything loaded so far (Django, the apps, URL patterns, models) lives as long as the
# process: moved out of the cyclic garbage collector's reach, full collections no longer walk
# those quarter of a million objects in the middle of requests (issue #16).
gc.collect()
gc.freeze()

if settings.HELP_WARM_AT_START:
    from walletdesk.helpcenter.search import warm_in_background

    warm_in_background()

if os.environ.get("WALLETDESK_INPROCESS_WORKER") == "1":
    from walletdesk.core.services import jobs

    jobs.start_thread(settings.WORKER_POLL_SECONDS)
