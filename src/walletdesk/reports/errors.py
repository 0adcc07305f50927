"""Typed errors of the desk reports (stable codes, translated messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from walletdesk.core.errors import NotFound, PermissionDenied, ValidationFailed


class ReportsForbidden(PermissionDenied):
    code = "reports_forbidden"
    default_message = _("Only supervisors and administrators can see the desk reports.")


class InvalidReportFilter(ValidationFailed):
    code = "invalid_report_filter"
    default_message = _("The report filter is not valid.")


class InvalidReportRange(ValidationFailed):
    code = "invalid_report_range"
    default_message = _("Choose a start date on or before the end date, at most 366 days apart.")


class UnknownReportTable(NotFound):
    code = "unknown_report_table"
    default_message = _("There is no such report table.")
