from django.urls import path

from . import views

app_name = "wallet"
urlpatterns = [
    path("", views.home, name="home"),
    path("top-up/", views.money_form, {"operation": "topup"}, name="topup"),
    path("transfer/", views.money_form, {"operation": "transfer"}, name="transfer"),
    path("pay/", views.money_form, {"operation": "payment"}, name="pay"),
    path("withdraw/", views.money_form, {"operation": "withdrawal"}, name="withdraw"),
    path("cards/", views.link_card, name="cards"),
    path("cards/<str:card_id>/default/", views.card_default, name="card_default"),
    path("cards/<str:card_id>/remove/", views.card_remove, name="card_remove"),
    path("history/", views.history, name="history"),
    path("history.csv", views.history_csv, name="history_csv"),
    path("t/<str:txn_id>/", views.detail, name="detail"),
    path("t/<str:txn_id>/status.json", views.detail_status, name="detail_status"),
    path("statement/", views.statement, name="statement"),
    path("fees/", views.fee_page, name="fees"),
    path("requests/<str:request_id>/", views.answer_request, name="answer_request"),
    path("merchant/", views.merchant_home, name="merchant"),
]
