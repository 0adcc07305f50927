from collections.abc import Iterator

import pytest

from walletdesk.accounts.tests.fixtures import _commit_now, client_api  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_rules() -> Iterator[None]:
    """Tests change rules with ``update()`` (no signal) and roll them back: no cached copy
    may outlive a test."""
    from walletdesk.risk.services import forget_rules

    forget_rules()
    yield
    forget_rules()
