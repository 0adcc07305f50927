import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "walletdesk.settings")
application = get_wsgi_application()

from walletdesk.core.checks import refuse_unsafe_application  # noqa: E402

refuse_unsafe_application("wsgi")  # production refuses an unsafe state (ADR 0091)
