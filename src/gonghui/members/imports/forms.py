from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.members.models import ImportMode

from .services import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("An .xlsx, .xls or .csv file as Excel, WPS or LibreOffice save it. Title rows above the header, "
                    "other sheets and 合计 rows are fine."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class RunForm(forms.Form):
    mode = forms.ChoiceField(label=_("How to import"), choices=ImportMode.choices, widget=forms.RadioSelect,
                             initial=ImportMode.VALID_ROWS)
