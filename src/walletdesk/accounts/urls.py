from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/confirm/", views.register_confirm, name="register_confirm"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/confirm/", views.password_reset_confirm, name="reset_confirm"),
    path("unlock/", views.unlock, name="unlock"),
    path("unlock/confirm/", views.unlock_confirm, name="unlock_confirm"),
    path("step-up/", views.step_up, name="step_up"),
    path("checkup/", views.checkup, name="checkup"),
    path("checkup/reminder/", views.reminder, name="reminder"),
    path("password/", views.change_password, name="change_password"),
    path("phrase/", views.phrase, name="phrase"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("devices/", views.devices_page, name="devices"),
    path("freeze/<str:token>/", views.freeze, name="freeze"),
    path("passkeys/", views.passkeys_page, name="passkeys"),
    path("passkeys/options/", views.passkey_options, name="passkey_options"),
    path("passkeys/add/", views.passkey_add, name="passkey_add"),
    path("login/passkey/options/", views.login_passkey_options, name="login_passkey_options"),
    path("login/passkey/", views.login_passkey, name="login_passkey"),
]
