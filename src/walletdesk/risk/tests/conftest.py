from walletdesk.accounts.tests.fixtures import _commit_now, _fast_hashing, client_api, real_hashing  # noqa: F401
