import pytest
from django.core.management import CommandError, call_command

from accounts.models import Division


def write(tmp_path, text: str):
    path = tmp_path / "divisions.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


GOOD = "code,name,name_hi\nRTP,Ratanpur,रतनपुर\nHSP,Hanspuram,हंसपुरम\nKDN,\"Kidwai Nagar, South\",किदवई नगर\n"


def test_it_imports_divisions_with_hindi_names(tmp_path, db, capsys):
    call_command("import_divisions", write(tmp_path, GOOD))
    assert Division.objects.get(code="RTP").name_hi == "रतनपुर"
    assert Division.objects.get(code="KDN").name == "Kidwai Nagar, South"
    assert "3 created" in capsys.readouterr().out


def test_it_changes_nothing_on_a_second_import(tmp_path, db, capsys):
    path = write(tmp_path, GOOD)
    call_command("import_divisions", path)
    before = list(Division.objects.values_list("pk", "code", "name", "name_hi"))
    history_before = Division.history.count()
    capsys.readouterr()
    call_command("import_divisions", path)
    assert list(Division.objects.values_list("pk", "code", "name", "name_hi")) == before
    assert Division.history.count() == history_before
    assert "0 created, 0 updated, 3 unchanged" in capsys.readouterr().out


def test_it_updates_a_renamed_division(tmp_path, rtp):
    call_command("import_divisions", write(tmp_path, "code,name,name_hi\nRTP,Ratanpur Division,रतनपुर\n"))
    assert Division.objects.get(code="RTP").name == "Ratanpur Division"


def test_it_reports_every_bad_line_and_writes_nothing(tmp_path, db, capsys):
    path = write(tmp_path, "code,name,name_hi\nRTP,Ratanpur,\nrt p,Bad,\nHSP,,\nRTP,Again,\nKDN,Kidwai Nagar\n")
    with pytest.raises(CommandError):
        call_command("import_divisions", path)
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "line 3: code: must be 2 to 10 capital letters or digits: 'rt p'",
        "line 4: name: must not be blank",
        "line 5: code: duplicate of line 2: RTP",
        "line 6: row: expected 3 values, found 2",
    ]
    assert not Division.objects.exists()


def test_it_reports_a_missing_column(tmp_path, db, capsys):
    with pytest.raises(CommandError):
        call_command("import_divisions", write(tmp_path, "code,title\nRTP,Ratanpur\n"))
    assert "line 1: name: column missing from the header" in capsys.readouterr().err


def test_it_validates_only_on_dry_run(tmp_path, db, capsys):
    call_command("import_divisions", write(tmp_path, GOOD), dry_run=True)
    assert not Division.objects.exists()
    assert "dry run" in capsys.readouterr().out


def test_it_reports_a_missing_file(db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_divisions", "/nonexistent/divisions.csv")
