from __future__ import annotations

import json

import pytest

from walletdesk.triage.classifier import MANIFEST_FILE, TRAINED_DIR
from walletdesk.triage.intent_map import (
    FALLBACK,
    MAX_ARTICLES,
    PRIORITIES,
    PRODUCT_INTENTS,
    QUEUES,
    ROUTES,
    route,
)
from walletdesk.triage.services import get_model

HELP_SLUGS = {
    "contact-support", "service-hours", "verify-official-channels", "phone-support-tips", "forgot-password",
    "transaction-incomplete", "request-refund", "account-locked", "two-step-verification", "account-security",
    "phishing-scams", "fees", "top-up", "transfer-money", "payment-methods", "app-troubleshooting",
    "change-phone-or-email", "identity-verification",
}


def test_every_intent_the_shipped_model_knows_has_a_route() -> None:
    classes = set(get_model().classes)
    assert len(classes) == 77 + len(PRODUCT_INTENTS)
    assert classes <= set(ROUTES)
    assert set(PRODUCT_INTENTS) <= classes


@pytest.mark.parametrize("intent", sorted(ROUTES))
def test_routes_use_known_queues_priorities_and_help_articles(intent: str) -> None:
    r = route(intent)
    assert r.queue in QUEUES
    assert r.priority in PRIORITIES
    assert 1 <= len(r.articles) <= MAX_ARTICLES
    assert set(r.articles) <= HELP_SLUGS
    assert len(set(r.articles)) == len(r.articles)


@pytest.mark.parametrize("intent", [
    "account_locked", "phishing_report", "compromised_card", "lost_or_stolen_card",
    "card_payment_not_recognised", "transfer_not_received_by_recipient", "transaction_charged_twice",
    "balance_not_updated_after_bank_transfer",
])
def test_locked_accounts_fraud_and_missing_money_are_urgent(intent: str) -> None:
    assert route(intent).priority == "urgent"


def test_queues_by_kind_of_problem() -> None:
    assert route("request_refund").queue == "refunds"
    assert route("pending_transfer").queue == "payments"
    assert route("passcode_forgotten").queue == "account_security"
    assert route("app_problem").queue == "technical"
    assert route("card_arrival").queue == "general"
    assert route("fee_question").articles[0] == "fees"


def test_an_unknown_intent_falls_back_to_the_general_queue() -> None:
    assert route("no_such_intent") == FALLBACK
    assert FALLBACK.queue == "general" and FALLBACK.articles == ("contact-support",)


def test_manifest_records_command_settings_versions_and_data_hashes() -> None:
    manifest = json.loads((TRAINED_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["command"] == "walletdesk train_triage"
    assert len(manifest["data"]["banking77_train"]["sha256"]) == 64
    assert len(manifest["data"]["own_examples"]["sha256"]) == 64
    assert {"numpy", "scikit-learn", "python"} <= set(manifest["versions"])
    assert manifest["settings"]["random_state"] == 0
    assert manifest["model"]["bytes"] < 8 * 1024 * 1024
