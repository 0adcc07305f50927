"""The four troubleshooters: pure reads of the live account, one module each.

Each ``diagnose(...)`` only reads (accounts, risk, wallet and the payment
network's status call) and returns a :class:`~walletdesk.troubleshoot.findings.Diagnosis`.
"""
