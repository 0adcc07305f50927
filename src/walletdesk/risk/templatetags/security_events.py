from django import template

from .. import labels

register = template.Library()


@register.filter
def event_label(kind: str) -> str:
    return labels.event_label(kind)


@register.filter
def rule_label(code: str) -> str:
    from ..models import RiskRule

    return str(dict(RiskRule.Code.choices).get(code, code))


@register.filter
def operation_label(operation: str) -> str:
    from ..services.review import OPERATIONS

    return str(OPERATIONS.get(operation, operation))
