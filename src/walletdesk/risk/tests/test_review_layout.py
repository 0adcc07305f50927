"""The review pages use the wide staff layout, and the cells that must not break (amounts,
operation names, times, logins, the Review link) are kept on one line, in both languages."""

import re

import pytest

from walletdesk.risk.tests.test_review import bob, held, page_client, supervisor  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.security]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_queue_and_case_pages_are_wide_and_do_not_break_amounts(held, supervisor, lang):  # noqa: F811
    web = page_client(supervisor)
    queue = web.get("/security/reviews/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert re.search(r'<body class="workspace[" ]', queue)
    row = queue.split('data-testid="review-row"')[1].split("</tr>")[0]
    amount = re.search(r'<td class="([^"]*)" data-testid="review-row-amount">([^<]*)</td>', row)
    assert amount and "nowrap" in amount.group(1).split() and "1,500.00" in amount.group(2)
    assert row.count('class="nowrap"') >= 3  # held at, operation, the Review link
    assert re.search(r'<span class="muted nowrap">[^<]*@', row)  # the login never breaks
    case = web.get(f"/security/reviews/{held.pk}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert re.search(r'<body class="workspace[" ]', case)
    assert re.search(r'<td class="nowrap" data-testid="review-amount">[^<]*1,500\.00</td>', case)


def test_queue_names_the_operation_as_a_word_and_labels_the_link_column(held, supervisor):  # noqa: F811
    web = page_client(supervisor)
    en = web.get("/security/reviews/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = en.split('data-testid="review-row"')[1].split("</tr>")[0]
    assert '<td class="nowrap">Transfer</td>' in row, row
    assert "<th scope=\"col\"></th>" not in en
    assert 'class="table review-table"' in en and "support/workspace.css" in en
    zh = web.get("/security/reviews/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "打开审核单" in zh
