from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.my_requests, name="list"),
    path("ask/<str:txn_id>/", views.ask, name="ask"),
    path("merchant/", views.merchant_page, name="merchant"),
    path("merchant/webhook/", views.merchant_webhook, name="merchant_webhook"),
    path("merchant/<str:request_id>/", views.merchant_answer, name="merchant_answer"),
    path("photo/<int:image_id>/", views.photo, name="photo"),
    path("<str:request_id>/", views.detail, name="detail"),
    path("<str:request_id>/escalate/", views.escalate, name="escalate"),
    path("<str:request_id>/withdraw/", views.withdraw, name="withdraw"),
]
