from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark commands. The top layer of the import contracts: it may import every app,
    and no app imports it (tests excepted)."""

    name = "walletdesk.bench"
    label = "bench"
    verbose_name = "Benchmarks"
