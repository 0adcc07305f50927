from __future__ import annotations

import pytest

from walletdesk.core.errors import ValidationFailed
from walletdesk.core.money import check_amount, format_minor, parse_major


@pytest.mark.parametrize("text,minor", [("12.34", 1234), ("12", 1200), ("0.01", 1),
                                        ("1,234.50", 123450), (" 7.5 ", 750)])
def test_parse_major(text: str, minor: int) -> None:
    assert parse_major(text, "CNY") == minor


@pytest.mark.parametrize("text,code", [("1e3", "invalid_amount"), ("-5", "invalid_amount"),
                                       ("NaN", "invalid_amount"), ("Infinity", "invalid_amount"),
                                       ("", "invalid_amount"), ("0", "invalid_amount"),
                                       ("0.00", "invalid_amount"), ("1.234", "too_many_decimals"),
                                       ("abc", "invalid_amount"), ("１２", "invalid_amount"),
                                       ("99999999999", "amount_above_limit")])
def test_parse_major_refuses(text: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_major(text, "CNY")
    assert err.value.code == code


@pytest.mark.parametrize("value", [1.5, "100", True, None, 0, -1])
def test_check_amount_refuses_non_integers_and_non_positive(value: object) -> None:
    with pytest.raises(ValidationFailed):
        check_amount(value)


def test_format_minor() -> None:
    assert format_minor(123456, "CNY") == "¥1,234.56"
    assert format_minor(-5, "USD") == "-US$0.05"
    assert format_minor(100, "HKD", symbol=False) == "1.00"
