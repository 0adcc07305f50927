from django.urls import path

from . import views

app_name = "helpcenter"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.results, name="search"),
    path("<slug:slug>/", views.article, name="article"),
    path("<slug:slug>/feedback/", views.feedback, name="feedback"),
]
