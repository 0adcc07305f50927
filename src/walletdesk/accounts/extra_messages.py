"""Strings used in shared templates (the login page) kept in this app's catalogue."""

from django.utils.translation import gettext_noop

MESSAGES = [gettext_noop("Account locked?"), gettext_noop("Forgot your password?"),
            gettext_noop("Create an account")]
