from django.urls import path

from . import views

app_name = "phone"
urlpatterns = [
    path("callback/", views.book, name="book"),
    path("callbacks/", views.callbacks, name="callbacks"),
    path("callbacks/<int:callback_id>/cancel/", views.cancel, name="cancel"),
    path("staff/", views.staff, name="staff"),
]
