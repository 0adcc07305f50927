from typing import Any


def test_trace_smoke(make_case: Any, fund: Any) -> None:
    case = make_case()
    txn = fund(case.customer, 10_000)
    r = case.act("trace_transaction", transaction_id=txn.public_id)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "done"
    assert body["result"]["transaction"]["id"] == txn.public_id
