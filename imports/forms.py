"""The upload form: which file, what it holds, dry run or not."""

from django import forms
from django.utils.translation import gettext_lazy as _

from imports.models import ImportKind

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # a division's year of ledger is far smaller


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("CSV file (UTF-8, with a header row)"))
    dry_run = forms.BooleanField(label=_("Dry run: check the file only, write nothing"), required=False)

    def __init__(self, *args, may_import_divisions: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_import_divisions:
            self.fields["kind"].choices = [(k, label) for k, label in ImportKind.choices
                                           if k != ImportKind.DIVISIONS]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Choose a .csv file."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB; import it with the command instead."))
        return upload
