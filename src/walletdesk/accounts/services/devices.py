"""Devices that logged in, where from, and whether this login looks new or impossible."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_noop

from walletdesk.core import clock

from .. import conf, geo
from ..models import Device, User, keyed_digest

COOKIE = "wd_device"
HEADER = "X-Device-Id"


# Labels of devices whose User-Agent names no known browser or system. Stored in English (the
# row outlives the language of the login); pages translate them as they show the label
# (``{% translate device.label %}``), and so do the messages that name the device.
OTHER_CLIENT = gettext_noop("Other browser or app")
API_CLIENT = gettext_noop("API client")

KEY_FORMAT = re.compile(r"^[A-Za-z0-9_\-]{16,100}$")


def valid_key(raw: object) -> bool:
    return isinstance(raw, str) and bool(KEY_FORMAT.match(raw))


def new_key() -> str:
    return secrets.token_urlsafe(24)


def key_hash(raw: str) -> str:
    return keyed_digest("device", raw[:100])


@dataclass(frozen=True)
class Sighting:
    device: Device | None
    place: geo.Place | None
    new_device: bool
    new_place: bool
    impossible_travel: bool

    @property
    def needs_step_up(self) -> bool:
        if not self.new_device:
            return False
        if conf.get().new_device_step_up == "always":
            return True
        return self.new_place


def look(user: User, raw_key: str, ip: str | None) -> Sighting:
    device = Device.objects.filter(user=user, key_hash=key_hash(raw_key)).first() if raw_key else None
    place = geo.lookup(ip)
    known = Device.objects.filter(user=user)
    countries = set(known.exclude(last_country="").values_list("last_country", flat=True))
    new_place = bool(place and known.exists() and place.country not in countries)
    return Sighting(device, place, device is None, new_place, _impossible(user, place, clock.now()))


def _impossible(user: User, place: geo.Place | None, now: datetime) -> bool:
    if place is None:
        return False
    last = (Device.objects.filter(user=user, last_lat__isnull=False)
            .order_by("-last_seen_at").first())
    if last is None or last.last_lat is None or last.last_lon is None:
        return False
    km = geo.distance_km(last.last_lat, last.last_lon, place.lat, place.lon)
    hours = max((now - last.last_seen_at).total_seconds() / 3600, 1 / 60)
    return km > 500 and km / hours > conf.get().impossible_travel_kmh


def remember(user: User, raw_key: str, ip: str | None, label: str) -> Device:
    place = geo.lookup(ip)
    now = clock.now()
    fields: dict[str, Any] = {"last_seen_at": now, "last_ip": ip, "signed_out_at": None, "label": label[:120]}
    if place is not None:
        fields.update(last_place=place.label, last_country=place.country, last_lat=place.lat,
                      last_lon=place.lon)
    device, _created = Device.objects.update_or_create(user=user, key_hash=key_hash(raw_key),
                                                       defaults=fields)
    return device


def short_label(user_agent: str) -> str:
    ua = user_agent or ""
    browser = next((b for b in ("Edg", "Chrome", "Firefox", "Safari") if b in ua), "")
    system = next((s for s in ("Windows", "Android", "iPhone", "Mac OS", "Linux") if s in ua), "")
    label = " · ".join(p for p in (browser.replace("Edg", "Edge"), system) if p)
    # Words only: what a client sends in User-Agent never reaches a message as it was typed.
    return label or (OTHER_CLIENT if ua else API_CLIENT)
