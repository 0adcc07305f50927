from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("official/", views.official, name="official"),
    path("verify/", views.verify_page, name="verify"),
    path("report/", views.report, name="report"),
]
