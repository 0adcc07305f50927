from django import template

from ..labels import EVENT_LABELS

register = template.Library()


@register.filter
def event_label(kind: str) -> str:
    return str(EVENT_LABELS.get(kind, kind))
