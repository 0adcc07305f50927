from walletdesk.accounts.tests.fixtures import _commit_now, _fast_hashing, client_api, real_hashing  # noqa: F401
from walletdesk.support.tests.conftest import make_agent, open_chat  # noqa: F401
