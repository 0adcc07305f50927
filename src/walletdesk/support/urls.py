from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("guest/", views.guest_start, name="guest"),
    path("c/<int:conv_id>/", views.chat_page, name="chat"),
    path("c/<int:conv_id>/verify/", views.guest_verify, name="guest_verify"),
    path("c/<int:conv_id>/rate/", views.rate, name="rate"),
    path("c/<int:conv_id>/callback/", views.callback, name="callback"),
    path("c/<int:conv_id>/transcript/", views.transcript, name="transcript"),
    path("attachments/<int:att_id>/", views.attachment, name="attachment"),
    path("console/", views.console, name="console"),
    path("supervisor/", views.supervisor, name="supervisor"),
]
