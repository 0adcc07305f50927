from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from walletdesk.accounts.views import landing_page, login_page


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(landing_page(request.user))
    return render(request, "web/home.html")


class LogoutView(auth_views.LogoutView):
    next_page = "web:home"


__all__ = ["LogoutView", "home", "login_page"]
