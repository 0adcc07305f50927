from walletdesk.accounts.tests.fixtures import _commit_now, client_api  # noqa: F401
