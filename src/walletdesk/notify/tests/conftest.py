from walletdesk.accounts.tests.fixtures import _commit_now, client_api  # noqa: F401
from walletdesk.support.tests.conftest import make_agent, open_chat  # noqa: F401
