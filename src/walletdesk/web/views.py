from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from walletdesk.accounts.models import STAFF_ROLES
from walletdesk.accounts.views import landing_page, login_page

from . import me as profile


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(landing_page(request.user))
    return render(request, "web/home.html")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The "Me" tab of a customer: their account at a glance and the way to each part of it."""
    user = request.user
    if user.role in STAFF_ROLES or user.role == "merchant":  # type: ignore[union-attr]
        return redirect(landing_page(user))
    return render(request, "web/me.html", {"login_shown": profile.login_shown(user),  # type: ignore[arg-type]
                                           "sections": profile.sections(user)})  # type: ignore[arg-type]


class LogoutView(auth_views.LogoutView):
    next_page = "web:home"


__all__ = ["LogoutView", "home", "login_page", "me"]
