from django import forms
from django.utils.translation import gettext_lazy as _

from .services.review import NOTE_MAX


class ReviewForm(forms.Form):
    """The reviewer's reason (required) and, for a rejection, whether to freeze outgoing money."""

    note = forms.CharField(label=_("Reason (kept in the audit log, not sent to the customer)"),
                           max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    freeze = forms.BooleanField(label=_("When rejecting, also freeze outgoing money"),
                                required=False)
