from django.urls import path

from . import views

app_name = "troubleshoot"
urlpatterns = [
    path("", views.index, name="index"),
    path("lock/", views.lock, name="lock"),
    path("<str:problem>/", views.transaction_problem, name="problem"),
    path("<str:problem>/talk/", views.talk, name="talk"),
]
