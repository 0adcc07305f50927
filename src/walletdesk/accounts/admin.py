from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
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
