from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("", views.activity, name="activity"),
    path("reviews/", views.review_queue, name="reviews"),
    path("reviews/<int:pk>/", views.review_case, name="review"),
]
