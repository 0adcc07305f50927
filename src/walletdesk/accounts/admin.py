from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from walletdesk.core.admin import AuditedAdmin

from . import services
from .models import User


@admin.register(User)
class UserAdmin(AuditedAdmin):
    list_display = ("email", "phone", "display_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("email", "phone", "display_name")
    exclude = ("password",)
    readonly_fields = ("last_login", "date_joined", "verified_at", "password_changed_at",
                       "session_epoch")
    actions = ["unlock"]

    @admin.action(description=_("Unlock the selected accounts"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.unlock_account(user, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Unlocked."))


# Django registers its Group admin itself (importing auth_admin above made sure it has):
# replaced by the same admin with the audit.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, auth_admin.GroupAdmin):
    pass
