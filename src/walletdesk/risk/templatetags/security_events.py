from django import template

from ..labels import EVENT_LABELS

register = template.Library()


@register.filter
def event_label(kind: str) -> str:
    return str(EVENT_LABELS.get(kind, kind))


@register.filter
def rule_label(code: str) -> str:
    from ..models import RiskRule

    return str(dict(RiskRule.Code.choices).get(code, code))


@register.filter
def operation_label(operation: str) -> str:
    from ..review import OPERATIONS

    return str(OPERATIONS.get(operation, operation))
