"""Webhooks API (/api/v1/support/webhooks): supervisors and administrators register
endpoints, send a test event and read the delivery log."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from walletdesk.accounts.auth import USER_AUTH, AuthedRequest
from walletdesk.core.schemas import ErrorOut

from . import access, events, queries, services
from .schemas import DeliveryOut, EndpointOut, EventTypeOut, TestSentOut

router = Router(tags=["webhooks"])
ERR = ErrorOut


class WebhookEndpointIn(Schema):
    url: str
    description: str = ""
    event_types: list[str] = []


class EndpointPatch(Schema):
    url: str | None = None
    description: str | None = None
    event_types: list[str] | None = None
    is_active: bool | None = None


@router.get("/event-types", response={200: list[EventTypeOut], 403: ERR}, auth=USER_AUTH)
def event_types(request: AuthedRequest) -> list[dict[str, Any]]:
    access.require_manager(request.user)
    return [{"type": k, "label": str(v)} for k, v in events.EVENT_TYPES.items()]


@router.get("", response={200: list[EndpointOut], 403: ERR}, auth=USER_AUTH)
def list_endpoints(request: AuthedRequest) -> list[dict[str, Any]]:
    access.require_manager(request.user)
    from .models import Endpoint

    return [queries.endpoint_dict(e) for e in Endpoint.objects.all()]


@router.post("", response={201: EndpointOut, 403: ERR}, auth=USER_AUTH)
def create_endpoint(request: AuthedRequest, body: WebhookEndpointIn) -> tuple[int, dict[str, Any]]:
    """The signing secret is in this answer only; later listings show it masked."""
    access.require_manager(request.user)
    endpoint = services.create_endpoint(url=body.url, description=body.description,
                                        event_types=body.event_types, by=request.user)
    return 201, queries.endpoint_dict(endpoint, with_secret=True)


@router.patch("/{endpoint_id}", response={200: EndpointOut, 403: ERR, 404: ERR}, auth=USER_AUTH)
def update_endpoint(request: AuthedRequest, endpoint_id: int, body: EndpointPatch) -> dict[str, Any]:
    access.require_manager(request.user)
    endpoint = services.update_endpoint(access.endpoint_or_404(endpoint_id), url=body.url,
                                        description=body.description,
                                        event_types=body.event_types, is_active=body.is_active)
    return queries.endpoint_dict(endpoint)


@router.delete("/{endpoint_id}", response={204: None, 403: ERR, 404: ERR}, auth=USER_AUTH)
def delete_endpoint(request: AuthedRequest, endpoint_id: int) -> tuple[int, None]:
    access.require_manager(request.user)
    services.delete_endpoint(access.endpoint_or_404(endpoint_id))
    return 204, None


@router.post("/{endpoint_id}/rotate-secret", response={200: EndpointOut, 403: ERR, 404: ERR},
             auth=USER_AUTH)
def rotate_secret(request: AuthedRequest, endpoint_id: int) -> dict[str, Any]:
    access.require_manager(request.user)
    endpoint = services.rotate_secret(access.endpoint_or_404(endpoint_id))
    return queries.endpoint_dict(endpoint, with_secret=True)


@router.post("/{endpoint_id}/test", response={202: TestSentOut, 403: ERR, 404: ERR}, auth=USER_AUTH)
def send_test(request: AuthedRequest, endpoint_id: int) -> tuple[int, dict[str, Any]]:
    access.require_manager(request.user)
    event = services.send_test(access.endpoint_or_404(endpoint_id), request.user)
    return 202, {"event_id": event.id, "type": event.type}


@router.get("/{endpoint_id}/deliveries", response={200: list[DeliveryOut], 403: ERR, 404: ERR},
            auth=USER_AUTH)
def deliveries(request: AuthedRequest, endpoint_id: int) -> list[dict[str, Any]]:
    access.require_manager(request.user)
    return [queries.delivery_dict(d) for d in queries.deliveries(access.endpoint_or_404(endpoint_id))]
