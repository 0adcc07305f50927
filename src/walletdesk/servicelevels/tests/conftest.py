from walletdesk.support.tests.conftest import make_agent, open_chat  # noqa: F401
