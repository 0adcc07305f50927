from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [path("", views.activity, name="activity")]
