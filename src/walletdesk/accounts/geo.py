"""IP-to-place lookup behind a provider interface; the development provider knows the
documentation ranges (RFC 5737) so tests and demos can "travel"."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from typing import Protocol

from django.utils.module_loading import import_string

from . import conf


@dataclass(frozen=True)
class Place:
    country: str
    city: str
    lat: float
    lon: float

    @property
    def label(self) -> str:
        return f"{self.city}, {self.country}"


class GeoProvider(Protocol):
    def lookup(self, ip: str) -> Place | None: ...


class DevelopmentGeoProvider:
    TABLE = {
        "192.0.2.0/24": Place("CN", "Shanghai", 31.23, 121.47),
        "198.51.100.0/24": Place("GB", "London", 51.51, -0.13),
        "203.0.113.0/24": Place("US", "New York", 40.71, -74.01),
    }

    def lookup(self, ip: str) -> Place | None:
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return None
        for net, place in self.TABLE.items():
            if addr in ipaddress.ip_network(net):
                return place
        return None


def provider() -> GeoProvider:
    found: GeoProvider = import_string(conf.get().geo_provider)()
    return found


def lookup(ip: str | None) -> Place | None:
    return provider().lookup(ip) if ip else None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))
