"""/api/v1/troubleshoot: the four troubleshooters and "talk to a person"."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["troubleshoot"])
