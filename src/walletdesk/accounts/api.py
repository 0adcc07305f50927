from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from . import services
from .auth import USER_AUTH

router = Router(tags=["auth"])


class LoginIn(Schema):
    login: str
    password: str


class LoginOut(Schema):
    token: str
    token_type: str = "Bearer"
    user_id: int
    role: str
    display_name: str


class ErrorOut(Schema):
    code: str
    message: str


@router.post("/login", response={200: LoginOut, 401: ErrorOut, 422: ErrorOut}, auth=None)
def login(request: HttpRequest, payload: LoginIn) -> LoginOut:
    user, token = services.login_for_api(request, payload.login, payload.password)
    return LoginOut(token=token, user_id=user.pk, role=user.role, display_name=str(user))


@router.post("/logout", response={204: None}, auth=USER_AUTH)
def logout(request: HttpRequest) -> tuple[int, None]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        services.revoke_token(header.removeprefix("Bearer ").strip())
    return 204, None
