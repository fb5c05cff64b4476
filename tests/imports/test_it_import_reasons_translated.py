"""The reasons of an import's bad lines are in the uploader's language: the checks written in SQL take the
translated reason, with its value wherever the translation puts it; the `line N: column:` framing stays."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import trans_real

from core.errors import ImportFailed
from core.models import Source
from imports.models import ImportJob, ImportStatus
from imports.services import import_job_create, import_job_execute, import_run

# A stand-in Hindi catalogue (the real one is built from locale/): the value first, as Hindi puts it, and a
# per cent sign, which the SQL checks must carry as text, not read as a query parameter.
HINDI = {
    "not a phone number: %(value)s": "%(value)s फ़ोन नंबर नहीं है (100% अंक चाहिए)",
    "duplicate of line %(line)s": "पंक्ति %(line)s की दोहराई",
    "expected %(expected)s values, found %(found)s": "%(expected)s मान चाहिए, %(found)s मिले",
}

BAD = (
    "account_no,name,address,division_code,category,sanctioned_load_kw,phone,meter_no,is_protected\n"
    "00012345,Ram,Addr,RTP,domestic,2,,M1,0\n"
    "00012345,Again,Addr,RTP,domestic,2,12345,M3,0\n"
    "00012354,Short,Addr\n"
)


@pytest.fixture
def hindi(monkeypatch):
    monkeypatch.setattr(trans_real.translation("hi"), "gettext", lambda message: HINDI.get(message, message))


def import_errors(tmp_path, language: str) -> list[str]:
    path = tmp_path / "consumers.csv"
    path.write_text(BAD, encoding="utf-8")
    with translation.override(language), pytest.raises(ImportFailed) as failed:
        import_run(kind="consumers", file=str(path), source=Source.IMPORT)
    return failed.value.errors


def test_it_names_each_bad_value_in_hindi(rtp, tmp_path, hindi):
    assert import_errors(tmp_path, "hi") == [
        "line 3: account_no: पंक्ति 2 की दोहराई",
        "line 3: phone: 12345 फ़ोन नंबर नहीं है (100% अंक चाहिए)",
        "line 4: row: 9 मान चाहिए, 3 मिले",
    ]


def test_it_keeps_the_english_reasons(rtp, tmp_path, hindi):
    assert import_errors(tmp_path, "en") == [
        "line 3: account_no: duplicate of line 2",
        "line 3: phone: not a phone number: 12345",
        "line 4: row: expected 9 values, found 3",
    ]


def test_it_writes_an_uploads_reasons_in_the_language_its_uploader_chose(rtp, it_admin, hindi, settings, tmp_path):
    # The worker has no request to take a language from: the job's reasons follow the uploader's choice.
    settings.MEDIA_ROOT = tmp_path
    it_admin.language = "hi"
    it_admin.save(update_fields=["language"])
    job = import_job_create(user=it_admin, kind="consumers",
                            upload=SimpleUploadedFile("consumers.csv", BAD.encode(), content_type="text/csv"))

    import_job_execute(job_id=job.pk)

    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == ImportStatus.FAILED
    assert job.errors[-1] == "line 4: row: 9 मान चाहिए, 3 मिले"
