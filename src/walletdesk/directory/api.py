"""Contact directory API: thin handlers that parse, authorize, call one service, serialize.

Everything here is public (the official directory is public information); a
logged-in caller (bearer token or session) gets their own region and time
zone as defaults.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema

from walletdesk.accounts.auth import viewer
from walletdesk.accounts.models import User
from walletdesk.core.schemas import ErrorOut

from . import forecast, queries, ratelimit, services, signing, verify
from .errors import RateLimited
from .models import Region

router = Router(tags=["directory"])



class RegionOut(Schema):
    code: str
    name: str
    time_zone: str


class ChannelOut(Schema):
    region: str
    region_name: str
    kind: str = Field(description="phone, email, chat, website or social")
    platform: str | None
    value: str
    normalized: str
    label: str
    notes: str
    open_now: bool
    always_open: bool
    closes_at: str | None = Field(description="when open now: closing time, in the caller's zone")
    next_open_at: str | None = Field(description="when closed: next opening, in the caller's zone")
    hours_time_zone: str | None
    hours: dict[str, Any] | None
    estimated_wait_seconds: int | None = Field(description="null until live support provides it")
    expected_wait_seconds: int | None = Field(
        description="the forecast for this hour (chat, phone, email), on the region's first channel of "
                    "the kind (whose forecast it is); null when closed, not enough data, or another "
                    "channel of the kind")
    quieter_at: str | None = Field(
        description="the next hour today with a clearly shorter expected wait, in the caller's zone")


class ForecastHourOut(Schema):
    weekday: int = Field(description="0 Monday … 6 Sunday, in time_zone")
    hour: int = Field(description="0–23, wall-clock hour in time_zone")
    expected_wait_seconds: int | None = Field(description="null: closed, or not enough data")
    open: bool = Field(description="open during this hour on its next occurrence (holidays count)")


class WaitForecastOut(Schema):
    channel: str = Field(description="chat, phone or email")
    region: str
    language: str | None = Field(description="null: every language pooled")
    time_zone: str
    hours: list[ForecastHourOut] = Field(description="168 entries, Monday 00:00 first")
    samples: int = Field(description="past waits behind the forecast (last 8 weeks)")
    updated_at: str | None = Field(description="when the forecast job last ran; null: not yet")


class VerifyOut(Schema):
    official: bool
    kind: str = Field(description="phone, email, website, social or employee_id")
    normalized: str
    match: dict[str, Any] | None = None
    similar_to: dict[str, Any] | None = None
    warning: str | None = None
    warning_code: str | None = None
    can_report: bool


class ReportIn(Schema):
    value: str = Field(..., max_length=300)
    note: str = Field("", max_length=1000)


class ReportOut(Schema):
    id: int
    status: str


class PublicKeyOut(Schema):
    alg: str
    key_id: str
    public_key: str = Field(description="base64 of the 32-byte Ed25519 public key")


class DirectoryChannelOut(Schema):
    kind: str
    platform: str | None
    value: str
    normalized: str
    label_zh: str
    label_en: str
    notes_zh: str
    notes_en: str
    hours: str | None = Field(description="a key of the document's hours")


class DirectoryRegionOut(Schema):
    code: str
    name_zh: str
    name_en: str
    time_zone: str
    notes_zh: str
    notes_en: str
    channels: list[DirectoryChannelOut]


class DirectoryDocOut(Schema):
    format: str
    issued_at: str
    valid_until: str
    regions: list[DirectoryRegionOut]
    hours: dict[str, Any] = Field(description="opening hours by name, as in /channels")


class SignatureOut(PublicKeyOut):
    value: str = Field(description="base64 Ed25519 signature of the canonical directory")


class SignedDirectoryOut(Schema):
    directory: DirectoryDocOut
    signature: SignatureOut


def _viewer(request: HttpRequest, *, session: bool = True) -> User | None:
    """The caller when logged in; ``session=False`` for unsafe methods (no CSRF here)."""
    return viewer(request, session=session)


def _limited(exc: RateLimited) -> JsonResponse:
    response = JsonResponse(exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False})
    response["Retry-After"] = str(exc.details.get("retry_after", 60))
    return response


ERRORS = {404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@router.get("/regions", response=list[RegionOut])
def list_regions(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"code": r.code, "name": queries.pick(r, "name"), "time_zone": r.time_zone}
            for r in queries.regions()]


@router.get("/channels", response={200: list[ChannelOut], **ERRORS})
def list_channels(request: HttpRequest, region: str = "", tz: str = "") -> Any:
    viewer = _viewer(request)
    chosen: Region | None
    if region:
        chosen = queries.region_or_404(region)
    else:
        chosen = queries.default_region(viewer.region) if viewer else None
    zone = tz or (viewer.time_zone if viewer else "") or (
        chosen.time_zone if chosen else settings.DEFAULT_USER_TIME_ZONE)
    return queries.channel_states(queries.channels(chosen), zone)


@router.get("/wait-forecast", response={200: WaitForecastOut, 400: ErrorOut})
def wait_forecast(request: HttpRequest, channel: str = "", region: str = "",
                  language: str = "") -> Any:
    """Expected waits by hour of the week, learnt from the desk's history (docs/wait-forecast.md)."""
    return forecast.public(channel, region, language)


@router.get("/verify", response={200: VerifyOut, **ERRORS})
def verify_value(request: HttpRequest, value: str = "", region: str = "") -> Any:
    viewer = _viewer(request)
    try:
        ratelimit.hit(ratelimit.VERIFY, ratelimit.client_key(request))
    except RateLimited as exc:
        return _limited(exc)
    return verify.check(value, region or (viewer.region if viewer else "CN")).as_dict()


@router.post("/reports", response={201: ReportOut, **ERRORS})
def report(request: HttpRequest, payload: ReportIn) -> Any:
    viewer = _viewer(request, session=False)
    try:
        ratelimit.hit(ratelimit.REPORT, ratelimit.client_key(request))
    except RateLimited as exc:
        return _limited(exc)
    created = services.create_report(value=payload.value, note=payload.note, reporter=viewer,
                                     region_hint=viewer.region if viewer else "CN")
    return 201, {"id": created.pk, "status": created.status}


@router.get("/directory.json", response=SignedDirectoryOut)
def signed_directory(request: HttpRequest) -> JsonResponse:
    """The whole official directory, signed with Ed25519 (see docs/directory.md)."""
    envelope = signing.sign(queries.directory_document())
    return JsonResponse(envelope, json_dumps_params={"ensure_ascii": False})


@router.get("/public-key", response=PublicKeyOut)
def public_key(request: HttpRequest) -> dict[str, str]:
    """The key that signs directory.json; pin it in apps and in verify_directory."""
    return signing.public_key_info()
