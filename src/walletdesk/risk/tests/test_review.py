"""The review queue for payments held by the rules: approve once, reject (and freeze), audit."""

import uuid

import pytest
from django.test import Client

from walletdesk.accounts import services as accounts
from walletdesk.accounts.models import AccountHold, SecurityEvent, User
from walletdesk.accounts.tests.fixtures import messages_to
from walletdesk.core import clock
from walletdesk.core import errors as core_errors
from walletdesk.risk import errors as risk_errors
from walletdesk.risk.models import Review, RiskDecision, RiskRule
from walletdesk.risk.services import forget_rules, review, rules
from walletdesk.wallet.models import Transaction

pytestmark = [pytest.mark.django_db, pytest.mark.security, pytest.mark.money]
PATH = "/api/v1/wallet/transfers"


@pytest.fixture
def bob(make_customer):
    return make_customer("bob@example.com")


@pytest.fixture
def supervisor(make_customer):
    return make_customer("sup@walletdesk.example", role=User.Role.SUPERVISOR, language="en")


@pytest.fixture
def held(api, customer, bob, fund):
    """Every transfer of 1,000.00 or more is held for review; one was just held."""
    fund(customer, 1_000_000)
    rules()
    RiskRule.objects.filter(code="step_up_amount").update(outcome="hold", limit_amount=100_000)
    forget_rules()  # other processes: within RULES_FOR
    r = send(api, bob.email, 150_000)
    assert (r.status_code, r.json()["code"]) == (403, "held_for_review")
    return Review.objects.get()


def send(api, to, amount, key=None):
    return api.post(PATH, {"to": to, "amount": amount, "currency": "CNY"},
                    key=key or str(uuid.uuid4()))


def transfers():
    return Transaction.objects.filter(type="transfer").count()


def test_a_hold_opens_one_case_with_its_reasons_and_tells_the_customer(api, held, customer, bob):
    assert held.status == "open" and held.user == customer
    d = held.decision
    assert (d.operation, d.amount, d.currency, d.payee) == ("transfer", 150_000, "CNY", bob.email)
    assert d.reasons[0]["rule"] == "step_up_amount" and d.reasons[0]["outcome"] == "hold"
    assert any("审核" in m["body"] for m in messages_to(customer.email))  # zh-hans customer
    send(api, bob.email, 150_000)  # the same payment again: still one open case
    assert Review.objects.filter(status="open").count() == 1
    assert list(review.open_cases()) == [held]


def test_approval_lets_the_same_payment_pass_once(api, held, customer, bob, supervisor):
    review.approve(supervisor, held.pk, "Customer confirmed by phone")
    assert SecurityEvent.objects.filter(kind="risk_review_approved", user=customer).exists()
    assert any("已审核通过" in m["body"] for m in messages_to(customer.email))
    other = User.objects.create_user("carol@example.com", "x" * 12)
    assert send(api, other.email, 150_000).json()["code"] == "held_for_review"  # another payee
    assert send(api, bob.email, 150_001).json()["code"] == "held_for_review"  # more money
    assert send(api, bob.email, 120_000).status_code == 201  # same payee, smaller: once
    assert send(api, bob.email, 120_000).json()["code"] == "held_for_review"
    held.refresh_from_db()
    assert held.used_at is not None and transfers() == 1


def test_approval_allows_a_retry_with_the_same_idempotency_key(api, customer, bob, fund,
                                                                 supervisor):
    fund(customer, 1_000_000)
    rules()
    RiskRule.objects.filter(code="step_up_amount").update(outcome="hold", limit_amount=100_000)
    forget_rules()  # other processes: within RULES_FOR
    key = "pay-bob-once"
    assert send(api, bob.email, 150_000, key=key).json()["code"] == "held_for_review"
    review.approve(supervisor, Review.objects.get().pk, "Known payee, confirmed")
    assert send(api, bob.email, 150_000, key=key).status_code == 201
    assert transfers() == 1


def test_approval_expires_after_24_hours(api, held, bob, supervisor):
    review.approve(supervisor, held.pk, "ok after call")
    clock.advance(hours=24, seconds=1)
    assert send(api, bob.email, 150_000).json()["code"] == "held_for_review"
    assert transfers() == 0


def test_a_failed_payment_does_not_use_up_the_approval(api, held, bob, supervisor):
    review.approve(supervisor, held.pk, "ok after call")
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert send(api, bob.email, 150_000).json()["code"] == "unknown_recipient"
    held.refresh_from_db()
    assert held.used_at is None  # rolled back with the refused payment
    User.objects.filter(pk=bob.pk).update(is_active=True)
    assert send(api, bob.email, 150_000).status_code == 201


def test_rejection_can_freeze_outgoing_money_until_staff_release_it(api, held, customer, bob,
                                                                     supervisor):
    review.reject(supervisor, held.pk, "Scam pattern: new payee, large amount", freeze=True)
    held.refresh_from_db()
    assert held.status == "rejected" and held.froze and held.reviewer == supervisor
    assert any("未通过审核" in m["body"] for m in messages_to(customer.email))
    r = send(api, bob.email, 100)
    assert (r.status_code, r.json()["code"]) == (403, "account_on_hold")
    hold = AccountHold.objects.get(user=customer, kind="review", released_at__isnull=True)
    assert not hold.blocks_login
    accounts.unlock_account(customer, by=customer)  # self-service does not lift it
    assert send(api, bob.email, 100).json()["code"] == "account_on_hold"
    assert review.release_review_hold(supervisor, hold)
    assert send(api, bob.email, 100).status_code == 201


def test_rejection_without_freeze_only_refuses_that_payment(api, held, bob, supervisor):
    review.reject(supervisor, held.pk, "Not plausible")
    assert send(api, bob.email, 150_000).json()["code"] == "held_for_review"  # no approval
    assert send(api, bob.email, 100).status_code == 201


def test_nobody_reviews_their_own_payment(supervisor, make_customer):
    decision = RiskDecision.objects.create(user=supervisor, operation="transfer", amount=500_000,
                                           currency="CNY", outcome="hold", payee="x@example.com")
    case = review.open_case(decision)
    with pytest.raises(risk_errors.OwnPayment):
        review.approve(supervisor, case.pk, "looks fine to me")
    case.refresh_from_db()
    assert case.status == "open"


@pytest.mark.parametrize("role", ["customer", "agent", "senior_agent"])
def test_only_supervisors_and_admins_review(held, make_customer, role):
    other = make_customer(f"{role}@walletdesk.example", role=role)
    with pytest.raises(core_errors.PermissionDenied):
        review.approve(other, held.pk, "I think it is fine")
    with pytest.raises(core_errors.PermissionDenied):
        review.reject(other, held.pk, "no", freeze=True)
    held.refresh_from_db()
    assert held.status == "open" and not AccountHold.objects.exists()


@pytest.mark.parametrize("note", ["", "  ", "ok", "x" * 501, "bad\x00note", None, 42])
def test_a_reason_is_required(held, supervisor, note):
    before = SecurityEvent.objects.count()
    with pytest.raises(core_errors.ValidationFailed):
        review.approve(supervisor, held.pk, note)
    held.refresh_from_db()
    assert held.status == "open" and SecurityEvent.objects.count() == before


def test_a_case_is_decided_once(held, supervisor, make_customer):
    admin = make_customer("root@walletdesk.example", role=User.Role.ADMIN)
    review.approve(supervisor, held.pk, "fine")
    with pytest.raises(risk_errors.ReviewClosed):
        review.reject(admin, held.pk, "changed my mind", freeze=True)
    held.refresh_from_db()
    assert held.status == "approved" and not AccountHold.objects.exists()


def test_unknown_case_is_not_found(supervisor):
    for bad in (999, "1", None, True):
        with pytest.raises(core_errors.NotFound):
            review.approve(supervisor, bad, "fine")


# --- pages ---------------------------------------------------------------------------------

def page_client(user):
    c = Client()
    c.force_login(user)
    return c


def test_queue_page_is_for_reviewers_only(held, customer, make_customer, supervisor):
    assert page_client(customer).get("/security/reviews/").status_code == 403
    agent = make_customer("agent@walletdesk.example", role="agent")
    assert page_client(agent).get(f"/security/reviews/{held.pk}/").status_code == 403
    assert page_client(agent).post(f"/security/reviews/{held.pk}/",
                                   {"action": "approve", "note": "fine"}).status_code == 403
    assert Client().get("/security/reviews/").status_code == 302  # to the login page
    r = page_client(supervisor).get("/security/reviews/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and b"review-row" in r.content
    held.refresh_from_db()
    assert held.status == "open"


def test_approve_and_reject_through_the_page(held, supervisor, customer):
    c = page_client(supervisor)
    url = f"/security/reviews/{held.pk}/"
    page = c.get(url)
    assert page.status_code == 200 and b"1,500.00" in page.content
    r = c.post(url, {"action": "approve", "note": ""})
    assert r.status_code == 200 and Review.objects.get().status == "open"  # the reason is required
    r = c.post(url, {"action": "approve", "note": "Called the customer back"})
    assert r.status_code == 302 and Review.objects.get().status == "approved"
    assert c.post(url, {"action": "reject", "note": "again"}).status_code == 200  # decided once
    assert Review.objects.get().status == "approved"


def test_review_page_wants_csrf(held, supervisor):
    c = Client(enforce_csrf_checks=True)
    c.force_login(supervisor)
    r = c.post(f"/security/reviews/{held.pk}/", {"action": "approve", "note": "fine enough"})
    assert r.status_code == 403 and Review.objects.get().status == "open"



# --- Django admin ------------------------------------------------------------------------------

@pytest.fixture
def admin_user(make_customer):
    return make_customer("boss@walletdesk.example", role=User.Role.ADMIN, is_staff=True,
                         is_superuser=True)


def test_admin_asks_for_a_reason_then_decides_through_the_same_service(held, admin_user,
                                                                       customer):
    c = page_client(admin_user)
    url = "/admin/risk/review/"
    assert b"review" in c.get(url).content
    form = {"action": "reject_selected", "_selected_action": [str(held.pk)]}
    r = c.post(url, form)
    assert r.status_code == 200 and b'name="note"' in r.content  # the reason page
    assert Review.objects.get().status == "open"
    r = c.post(url, {**form, "apply": "1", "note": "", "freeze": "on"})
    assert r.status_code == 200 and Review.objects.get().status == "open"
    r = c.post(url, {**form, "apply": "1", "note": "Mule account pattern", "freeze": "on"})
    assert r.status_code == 302
    case = Review.objects.get()
    assert (case.status, case.froze, case.reviewer) == ("rejected", True, admin_user)
    hold = AccountHold.objects.get(user=customer, kind="review")
    r = c.post("/admin/accounts/accounthold/", {"action": "release_review_holds",
                                                "_selected_action": [str(hold.pk)]})
    assert r.status_code == 302
    hold.refresh_from_db()
    assert hold.released_by == admin_user
    assert SecurityEvent.objects.filter(kind="risk_review_hold_released").exists()


# --- API (the same service) --------------------------------------------------------------------

def test_staff_api_lists_and_decides(held, supervisor, customer, api):
    from walletdesk.accounts.services import issue_token
    from walletdesk.conftest import ApiClient

    staff = ApiClient(issue_token(supervisor))
    assert api.get("/api/v1/security/reviews").status_code == 403  # a customer
    r = api.post(f"/api/v1/security/reviews/{held.pk}/approve", {"reason": "my own call"})
    assert r.status_code == 403 and Review.objects.get().status == "open"
    listed = staff.get("/api/v1/security/reviews").json()
    assert [c["id"] for c in listed] == [held.pk] and listed[0]["amount"] == 150_000
    r = staff.post(f"/api/v1/security/reviews/{held.pk}/reject", {"reason": ""})
    assert (r.status_code, r.json()["code"]) == (422, "reason_required")
    r = staff.post(f"/api/v1/security/reviews/{held.pk}/reject",
                   {"reason": "Known mule payee", "freeze": True})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    r = staff.post(f"/api/v1/security/reviews/{held.pk}/approve", {"reason": "second try"})
    assert (r.status_code, r.json()["code"]) == (409, "review_closed")
    assert staff.post("/api/v1/security/reviews/999/approve",
                      {"reason": "nothing"}).status_code == 404
    assert AccountHold.objects.filter(user=customer, kind="review").count() == 1


def test_the_customer_hears_in_their_own_language(held, customer, supervisor):
    User.objects.filter(pk=customer.pk).update(language="en", anti_phishing_phrase="blue kettle")
    review.approve(supervisor, held.pk, "Called back, confirmed")
    body = messages_to(customer.email)[0]["body"]
    assert "was approved after review" in body and "blue kettle" in body
    assert "¥1,500.00" in body and "bob@example.com" in body


def test_case_page_shows_the_figures_of_each_rule(held, supervisor):
    page = page_client(supervisor).get(f"/security/reviews/{held.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "limit: ¥1,000.00" in text and "amount: ¥1,500.00" in text
