"""The wallet's back office: every wallet model is listed, fee changes go through the services
(a minute's notice; a refused change stores nothing), merchant keys are rotated and revoked,
and every write made in the admin leaves a hash-chained audit record with before and after."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import CommandError, call_command

from walletdesk.accounts.models import SecurityEvent, User
from walletdesk.accounts.services import events
from walletdesk.core import clock
from walletdesk.core.admin import AuditedAdmin
from walletdesk.risk.models import RiskRule
from walletdesk.wallet.models import FeeAnnouncement, FeePolicy, Merchant, Promotion
from walletdesk.wallet.services import merchants

pytestmark = pytest.mark.security


@pytest.fixture
def staff(db: Any) -> User:
    return User.objects.create_superuser("root@walletdesk.example", "pw-admin-123456", time_zone="UTC")


@pytest.fixture
def admin_client(client: Any, staff: User) -> Any:
    client.force_login(staff)
    client.cookies["walletdesk_language"] = "en"
    return client


def _audit(kind: str) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind=kind).order_by("pk"))


def _when(delta: timedelta) -> dict[str, str]:
    at = clock.now() + delta  # the admin's time zone is UTC here
    return {"effective_from_0": at.strftime("%Y-%m-%d"), "effective_from_1": at.strftime("%H:%M:%S")}


def _fee_form(delta: timedelta, **extra: str) -> dict[str, str]:
    return {"operation": "withdrawal", "method": "bank_card", "currency": "CNY",
            "basis_points": "80", "fixed_major": "1.50", "minimum_major": "2", "maximum_major": "",
            "title_zh": "", "title_en": "", "body_zh": "", "body_en": "", **_when(delta), **extra}


def test_every_wallet_model_is_listed_and_every_admin_is_audited() -> None:
    wallet = set(apps.get_app_config("wallet").get_models())
    assert wallet - set(admin.site._registry) == set()
    plain = [m._meta.label for m, ma in admin.site._registry.items() if not isinstance(ma, AuditedAdmin)]
    assert plain == []


@pytest.mark.parametrize(("lang", "header", "absent"), [
    ("zh-hans", "walletdesk 管理后台", "Django"), ("en", "walletdesk admin", "Django"),
    ("zh-hant", "walletdesk 管理後台", "Django")])
def test_admin_index_is_branded_and_translated(admin_client: Any, lang: str, header: str,
                                               absent: str) -> None:
    admin_client.cookies["walletdesk_language"] = lang
    html = admin_client.get("/admin/").content.decode()
    assert header in html and f"{absent} " not in html


def test_fee_change_with_a_minutes_notice_goes_through_the_service(admin_client: Any,
                                                                   staff: User) -> None:
    before = FeePolicy.objects.filter(operation="withdrawal", method="bank_card", currency="CNY").count()
    form = _fee_form(timedelta(minutes=5), title_zh="提现手续费调整", title_en="Withdrawal fee change",
                     body_zh="下周起提现手续费调整。", body_en="Withdrawal fees change next week.")
    r = admin_client.post("/admin/wallet/feepolicy/add/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    policy = FeePolicy.objects.filter(operation="withdrawal", method="bank_card",
                                      currency="CNY").order_by("-version").first()
    assert policy is not None and policy.version == before + 1
    assert (policy.basis_points, policy.fixed, policy.minimum, policy.maximum) == (80, 150, 200, None)
    assert FeeAnnouncement.objects.get(policy=policy).title_en == "Withdrawal fee change"
    [ev] = _audit("admin_add")
    assert ev.user == staff and ev.data["model"] == "wallet.feepolicy"
    assert ev.data["after"]["fixed"] == "150" and ev.data["changes"]["basis_points"] == [None, "80"]
    assert events.verify_chain() == (True, None)


def test_fee_change_without_notice_is_refused_and_changes_nothing(admin_client: Any) -> None:
    policies, notices = FeePolicy.objects.count(), FeeAnnouncement.objects.count()
    r = admin_client.post("/admin/wallet/feepolicy/add/", _fee_form(timedelta(seconds=20)))
    assert r.status_code == 200
    assert "at least a minute before" in r.content.decode()
    assert (FeePolicy.objects.count(), FeeAnnouncement.objects.count()) == (policies, notices)
    assert _audit("admin_add") == []


def test_fee_amounts_are_typed_in_yuan_and_checked(admin_client: Any) -> None:
    count = FeePolicy.objects.count()
    form = _fee_form(timedelta(minutes=5), fixed_major="1.234")
    r = admin_client.post("/admin/wallet/feepolicy/add/", form)
    assert r.status_code == 200 and FeePolicy.objects.count() == count


def _at(name: str, when: Any) -> dict[str, str]:
    return {f"{name}_0": when.strftime("%Y-%m-%d"), f"{name}_1": when.strftime("%H:%M:%S")}


def _promo_form(start: timedelta, end: timedelta) -> dict[str, str]:
    s, e = clock.now() + start, clock.now() + end
    return {"name_zh": "周末免费提现", "name_en": "Free weekend withdrawals", "operation": "withdrawal",
            "method": "", "currency": "", "discount_bps": "10000", "per_user_limit": "",
            "is_active": "on", "starts_at_0": s.strftime("%Y-%m-%d"), "starts_at_1": s.strftime("%H:%M:%S"),
            "ends_at_0": e.strftime("%Y-%m-%d"), "ends_at_1": e.strftime("%H:%M:%S")}


def test_promotion_is_scheduled_and_ended_with_notice(admin_client: Any) -> None:
    add = "/admin/wallet/promotion/add/"
    refused = admin_client.post(add, _promo_form(timedelta(0), timedelta(days=2)))
    assert refused.status_code == 200 and not Promotion.objects.filter(name_en="Free weekend withdrawals")
    r = admin_client.post(add, _promo_form(timedelta(minutes=2), timedelta(days=2)))
    assert r.status_code == 302
    promo = Promotion.objects.get(name_en="Free weekend withdrawals")
    end = promo.ends_at
    soon = clock.now() + timedelta(seconds=10)
    url = f"/admin/wallet/promotion/{promo.pk}/change/"
    r = admin_client.post(url, _at("ends_at", soon))
    assert r.status_code == 200
    promo.refresh_from_db()
    assert promo.ends_at == end
    later = (clock.now() + timedelta(hours=3)).replace(microsecond=0)
    r = admin_client.post(url, _at("ends_at", later))
    assert r.status_code == 302
    promo.refresh_from_db()
    assert promo.ends_at == later
    change = _audit("admin_change")[-1]
    assert change.data["changes"]["ends_at"][1].startswith(later.strftime("%Y-%m-%dT%H:%M:%S"))


def test_merchant_key_is_rotated_once_shown_and_revoked(admin_client: Any, merchant: Merchant) -> None:
    old = merchants.issue_api_key(merchant)
    merchant.refresh_from_db()
    r = admin_client.post("/admin/wallet/merchant/", {"action": "rotate_api_key",
                                                      "_selected_action": [merchant.pk]}, follow=True)
    page = r.content.decode()
    new = page.split("(shown this once): ")[1][:46].split("<")[0].strip()
    assert new.startswith("mk_") and merchants.merchant_for_key(old) is None
    assert merchants.merchant_for_key(new) == merchant
    [ev] = _audit("admin_action")
    assert ev.data["admin_action"] == "rotate_api_key"
    assert ev.data["changes"]["api_key_hash"] == ["…", "[changed]"]
    assert new not in str(ev.data) and str(merchant.api_key_hash) not in str(ev.data)
    assert new not in admin_client.get("/admin/wallet/merchant/").content.decode()  # shown once
    admin_client.post("/admin/wallet/merchant/",
                      {"action": "revoke_api_key", "_selected_action": [merchant.pk]})
    assert merchants.merchant_for_key(new) is None
    assert len(_audit("admin_action")) == 2


def _yuan(minor: int | None) -> str:
    return "" if minor is None else f"{minor // 100}.{minor % 100:02d}"


def test_risk_rule_amounts_are_typed_in_yuan(admin_client: Any) -> None:
    rule, _ = RiskRule.objects.get_or_create(code="amount_day", defaults={"window_hours": 24})
    page = admin_client.get(f"/admin/risk/riskrule/{rule.pk}/change/").content.decode()
    assert "(yuan)" in page
    data = {"outcome": rule.outcome, "limit_count": "", "limit_amount": "5,000.50", "factor": "",
            "window_hours": "24", "enabled": "on"}
    assert admin_client.post(f"/admin/risk/riskrule/{rule.pk}/change/", data).status_code == 302
    rule.refresh_from_db()
    assert rule.limit_amount == 500_050
    bad = admin_client.post(f"/admin/risk/riskrule/{rule.pk}/change/", {**data, "limit_amount": "1.234"})
    assert bad.status_code == 200
    rule.refresh_from_db()
    assert rule.limit_amount == 500_050


def test_risk_rule_edit_is_audited_with_before_and_after(admin_client: Any, staff: User) -> None:
    rule, _ = RiskRule.objects.get_or_create(code="count_hour",
                                             defaults={"limit_count": 20, "window_hours": 1})
    old = rule.limit_count
    data = {"code": rule.code, "outcome": rule.outcome, "limit_count": str((old or 0) + 7),
            "limit_amount": _yuan(rule.limit_amount), "factor": rule.factor or "",
            "window_hours": rule.window_hours or ""}
    if rule.enabled:
        data["enabled"] = "on"
    r = admin_client.post(f"/admin/risk/riskrule/{rule.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    [ev] = _audit("admin_change")
    assert ev.user == staff and ev.data["model"] == "risk.riskrule"
    assert ev.data["changes"] == {"limit_count": [str(old) if old is not None else None, str((old or 0) + 7)]}
    assert events.verify_chain() == (True, None)


def test_read_only_money_records_refuse_writes(admin_client: Any, customer: User, fund: Any) -> None:
    txn = fund(customer, 5000)
    assert admin_client.get("/admin/wallet/transaction/").status_code == 200
    page = admin_client.get(f"/admin/wallet/transaction/{txn.pk}/change/")
    assert page.status_code == 200 and "Save" not in page.content.decode()
    r = admin_client.post(f"/admin/wallet/transaction/{txn.pk}/change/", {"amount": "1"})
    assert r.status_code == 403
    txn.refresh_from_db()
    assert txn.amount == 5000 and _audit("admin_change") == []


def test_operators_schedule_a_fee_change_from_the_command_line(staff: User, capsys: Any) -> None:
    assert staff.email
    args = ["schedule_fee_change", "--operation", "withdrawal", "--method", "bank_card",
            "--currency", "CNY", "--rate-bp", "60", "--fixed", "1", "--by", staff.email]
    count = FeePolicy.objects.count()
    with pytest.raises(CommandError, match="fee_notice_too_short"):
        call_command(*args, "--starts-in", "20s")
    assert FeePolicy.objects.count() == count and _audit("admin_add") == []
    call_command(*args, "--starts-in", "10m")
    policy = FeePolicy.objects.order_by("-pk").first()
    assert policy is not None and (policy.basis_points, policy.fixed) == (60, 100)
    assert policy.effective_from >= clock.now() + timedelta(minutes=9)
    [ev] = _audit("admin_add")
    assert ev.user == staff and ev.data["via"] == "schedule_fee_change"
    assert '"version"' in capsys.readouterr().out


def test_adding_and_deleting_in_any_admin_is_audited(admin_client: Any, staff: User) -> None:
    from django.contrib.auth.models import Group

    r = admin_client.post("/admin/auth/group/add/", {"name": "fee operators", "permissions": []})
    assert r.status_code == 302
    group = Group.objects.get(name="fee operators")
    [added] = _audit("admin_add")
    assert added.data["model"] == "auth.group" and added.data["after"]["name"] == "fee operators"
    r = admin_client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and not Group.objects.filter(pk=group.pk).exists()
    [deleted] = _audit("admin_delete")
    assert deleted.user == staff and deleted.data["before"]["name"] == "fee operators"
    assert events.verify_chain() == (True, None)


def test_list_page_edits_are_audited_row_by_row(admin_client: Any) -> None:
    rule, _ = RiskRule.objects.get_or_create(code="count_day", defaults={"limit_count": 50,
                                                                          "window_hours": 24})
    rules = list(RiskRule.objects.order_by("code"))
    data: dict[str, Any] = {"form-TOTAL_FORMS": str(len(rules)), "form-INITIAL_FORMS": str(len(rules)),
                            "_save": "Save"}
    for i, r in enumerate(rules):
        data.update({f"form-{i}-id": str(r.pk), f"form-{i}-outcome": r.outcome,
                     f"form-{i}-limit_count": "" if r.limit_count is None else str(r.limit_count),
                     f"form-{i}-limit_amount": _yuan(r.limit_amount),
                     f"form-{i}-factor": "" if r.factor is None else str(r.factor),
                     f"form-{i}-window_hours": "" if r.window_hours is None else str(r.window_hours)})
        if r.enabled:
            data[f"form-{i}-enabled"] = "on"
        if r.pk == rule.pk:
            data[f"form-{i}-limit_count"] = str((rule.limit_count or 0) + 1)
    resp = admin_client.post("/admin/risk/riskrule/", data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    [ev] = _audit("admin_change")
    assert ev.data["object_id"] == str(rule.pk)
    assert ev.data["changes"] == {"limit_count": [str(rule.limit_count), str((rule.limit_count or 0) + 1)]}


def test_admin_shows_people_words_in_chinese(admin_client: Any, customer: User, fund: Any) -> None:
    fund(customer, 1234)
    admin_client.cookies["walletdesk_language"] = "zh-hans"
    index = admin_client.get("/admin/").content.decode()
    for word in ("钱包", "手续费政策", "手续费优惠", "手续费公告", "商户", "交易", "账户冻结", "风控规则",
                 "暂缓付款审核", "通知发送记录"):
        assert word in index, word
    for english in ("Deliverys", "Account holds", "Fee policies", "Transactions", "Wallet"):
        assert english not in index, english
    txns = admin_client.get("/admin/wallet/transaction/").content.decode()
    assert "创建时间" in txns and "¥12.34" in txns
    assert "Created at" not in txns and "CREATED AT" not in txns
    admin_client.cookies["walletdesk_language"] = "en"
    english = admin_client.get("/admin/wallet/transaction/").content.decode()
    assert "Created at" in english
    assert "Notification deliveries" in admin_client.get("/admin/").content.decode()


def test_every_wallet_list_and_detail_page_opens(admin_client: Any, customer: User, fund: Any) -> None:
    fund(customer, 2500)
    for model in apps.get_app_config("wallet").get_models():
        meta = model._meta
        page = admin_client.get(f"/admin/wallet/{meta.model_name}/")
        assert page.status_code == 200, meta.model_name
        first = model._default_manager.first()
        if first is not None:
            detail = admin_client.get(f"/admin/wallet/{meta.model_name}/{first.pk}/change/")
            assert detail.status_code == 200, meta.model_name
