from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:notification_id>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("push/kinds/", views.push_kinds, name="push_kinds"),
    path("outbox/", views.outbox, name="outbox"),
]
