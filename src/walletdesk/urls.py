from django.contrib import admin
from django.urls import include, path

from walletdesk.accounts.views import admin_login
from walletdesk.api import api
from walletdesk.core import observability

urlpatterns = [
    path("healthz", observability.healthz, name="healthz"),
    path("readyz", observability.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", admin_login, name="admin_login"),  # /login/ with the second factor
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("wallet/", include("walletdesk.wallet.urls")),
    path("refunds/", include("walletdesk.disputes.urls")),
    path("account/", include("walletdesk.accounts.urls")),
    path("security/", include("walletdesk.risk.urls")),
    path("notify/", include("walletdesk.notify.urls")),
    path("contact/", include("walletdesk.directory.urls")),
    path("support/reports/", include("walletdesk.reports.urls")),
    path("support/webhooks/", include("walletdesk.webhooks.urls")),
    path("support/", include("walletdesk.support.urls")),
    path("phone/", include("walletdesk.phone.urls")),
    path("help/", include("walletdesk.helpcenter.urls")),
    path("triage/", include("walletdesk.triage.urls")),
    path("troubleshoot/", include("walletdesk.troubleshoot.urls")),
    path("", include("walletdesk.web.pwa_urls")),
    path("", include("walletdesk.web.urls")),
]
