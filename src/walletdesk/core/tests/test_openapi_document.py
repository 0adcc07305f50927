"""The OpenAPI document says what clients get and what they may send (issue #18, item 3).

Every success answer is a named schema (no free-form object), the formats the services check
are written in it (login, codes, currency, amounts), and a value drawn from a documented
pattern is one the service accepts. test_fuzz_api.py then runs schemathesis against it.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from walletdesk.accounts import services
from walletdesk.accounts.services import codes, mfa
from walletdesk.core import schemas
from walletdesk.core.money import CURRENCIES, MAX_AMOUNT_MINOR

# Nested values that are free-form by nature, each with its reason. A new one must be added
# here on purpose (and a whole answer may never be one).
FREE_FORM_FIELDS = {
    ("ActionOut", "params"): "an action's own parameters, different for each action",
    ("ActionOut", "result"): "an action's own outcome, different for each action",
    ("ApprovalOut", "params"): "as ActionOut",
    ("ApprovalOut", "result"): "as ActionOut",
    ("ConversationOut", "context"): "what the desk knows about the customer, for staff",
    ("LiveCustomerOut", "context"): "the customer's part of ConversationOut.context, read now",
    ("FindingOut", "params"): "each finding's own values",
    ("ChannelOut", "hours"): "opening hours summary, its own documented format",
    ("DirectoryDocOut", "hours"): "as ChannelOut.hours",
    ("VerifyOut", "match"): "the matched directory entry",
    ("VerifyOut", "similar_to"): "the look-alike directory entry",
    ("SecurityEventOut", "data"): "a security event's own details, different for each kind",
    ("PasskeyIn", "credential"): "the browser's WebAuthn credential, checked by py_webauthn",
    ("PasskeyLoginIn", "credential"): "as PasskeyIn",
    ("ReviewOut", "reasons"): "the risk rules' own findings",
    ("QuoteOut", "promotion"): "the promotion that applied",
    ("QuoteAllOut", "promotion"): "as QuoteOut",
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    from walletdesk.api import api

    return api.get_openapi_schema()


def _free(schema: dict[str, Any]) -> bool:
    """An object whose keys the document does not name."""
    if "$ref" in schema or "properties" in schema:
        return False
    if schema.get("type") == "object" or schema.get("additionalProperties") not in (None, False):
        return True
    return any(_free(s) for s in schema.get("anyOf", []) if s.get("type") != "null")


def _named(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "array":
        return _named(schema["items"])
    if "anyOf" in schema:
        return all(_named(s) for s in schema["anyOf"] if s.get("type") != "null")
    return "$ref" in schema


def test_the_document_is_served(db: Any) -> None:
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.json()["paths"]


def test_every_success_answer_is_a_named_schema(document: dict[str, Any]) -> None:
    unnamed = []
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            for status, answer in op["responses"].items():
                if not str(status).startswith("2") or "content" not in answer:
                    continue
                schema = answer["content"]["application/json"]["schema"]
                if not _named(schema):
                    unnamed.append(f"{method.upper()} {path} {status}: {schema}")
    assert unnamed == []


def test_no_free_form_field_but_the_listed_ones(document: dict[str, Any]) -> None:
    found = set()
    for name, component in document["components"]["schemas"].items():
        assert not _free(component), name
        for field, schema in component.get("properties", {}).items():
            inner = schema.get("items", schema) if schema.get("type") == "array" else schema
            if _free(inner):
                found.add((name, field))
    assert found <= set(FREE_FORM_FIELDS), found - set(FREE_FORM_FIELDS)


def _prop(document: dict[str, Any], component: str, field: str) -> dict[str, Any]:
    return document["components"]["schemas"][component]["properties"][field]


def test_formats_and_enums_are_written(document: dict[str, Any]) -> None:
    for component in ("LoginIn", "RegisterIn", "CodeIn", "ResetRequestIn", "ExplainIn"):
        assert _prop(document, component, "login")["pattern"] == schemas.LOGIN["pattern"]
    assert _prop(document, "MfaIn", "code")["pattern"] == schemas.SECOND_FACTOR["pattern"]
    assert _prop(document, "OtpIn", "code")["pattern"] == "^[0-9]{6}$"
    assert _prop(document, "CodeIn", "code")["pattern"] == schemas.SENT_CODE["pattern"]
    for component in ("TopUpIn", "TransferIn", "PaymentIn", "PaymentRequestIn", "BalanceOut",
                      "TransactionOut"):
        assert _prop(document, component, "currency")["enum"] == list(CURRENCIES), component
    for component in ("TopUpIn", "TransferIn", "PaymentIn", "RefundIn", "PaymentRequestIn"):
        amount = _prop(document, component, "amount")
        assert (amount["type"], amount["minimum"], amount["maximum"]) == (
            "integer", 1, MAX_AMOUNT_MINOR), component
    assert _prop(document, "TopUpIn", "method")["enum"] == ["bank_card", "credit_card"]
    assert _prop(document, "WithdrawalIn", "method")["enum"] == ["bank_card"]
    assert "completed" in _prop(document, "TransactionOut", "status")["enum"]
    quote = document["paths"]["/api/v1/wallet/fees/quote"]["get"]["parameters"]
    by_name = {p["name"]: p["schema"] for p in quote}
    assert by_name["currency"]["enum"] == list(CURRENCIES)
    assert "transfer" in by_name["operation"]["enum"]


def test_each_schema_name_is_one_class(document: dict[str, Any]) -> None:
    """The document keys schemas by class name: two classes of one name would leave one
    operation described by the other's shape."""
    from ninja import Schema

    owners: dict[str, set[str]] = {}
    for name, module in list(sys.modules.items()):
        if name.startswith("walletdesk.") and name.rpartition(".")[2] in ("api", "schemas"):
            for value in vars(module).values():
                if (isinstance(value, type) and issubclass(value, Schema)
                        and value.__module__ == name):
                    owners.setdefault(value.__name__, set()).add(name)
    assert {n: m for n, m in owners.items() if len(m) > 1} == {}
    assert {"LoginOut", "ConversationOut", "DeskReportOut"} <= set(document["components"]["schemas"])


def test_the_auth_scheme_is_one_bearer(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["ApiAuth"]["type"] == "http" and schemes["ApiAuth"]["scheme"] == "bearer"
    assert not {"BearerToken", "Session"} & set(schemes)


# --- a value that matches its pattern is one the service accepts ----------------------------

def _matching(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(re.compile(pattern), fullmatch=True)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(login=_matching(schemas.LOGIN["pattern"]))
def test_a_documented_login_is_a_valid_login(login: str) -> None:
    assert services.valid_login(login)


@settings(max_examples=100, deadline=None)
@given(code=_matching(schemas.SENT_CODE["pattern"]))
def test_a_documented_sent_code_has_the_right_form(code: str) -> None:
    assert codes.check_format(code) == code


@settings(max_examples=100, deadline=None)
@given(code=_matching(schemas.SECOND_FACTOR["pattern"]))
def test_a_documented_second_factor_is_routed_to_its_factor(code: str) -> None:
    assert mfa.factor_of(code) == ("totp" if len(code) == 6 else "recovery_code")
    recovery = re.fullmatch(schemas.SECOND_FACTOR["pattern"], "".join(mfa.RECOVERY_ALPHABET[:10]))
    assert recovery is not None  # the codes we hand out match the documented form
