from django.urls import path

from . import views

app_name = "triage"
urlpatterns = [
    path("", views.try_triage, name="try"),
]
