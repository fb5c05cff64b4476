"""Importers registered by the apps below imports (imports.pipeline.registry)."""

import pytest

from core.models import Source
from imports.pipeline.registry import importer_for, register
from imports.services import import_run


def test_it_knows_the_targets_importer_that_reports_registered():
    from reports.targets import targets_import

    assert importer_for("targets") is targets_import


def test_it_refuses_a_kind_that_no_job_could_record():
    with pytest.raises(ValueError, match="not an ImportKind"):
        register("budgets", lambda **kwargs: None)
    assert importer_for("budgets") is None


def test_it_refuses_a_second_importer_for_a_kind():
    with pytest.raises(ValueError, match="another importer"):
        register("targets", lambda **kwargs: None)


def test_it_refuses_to_run_a_kind_nobody_registered(db, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    with pytest.raises(ValueError, match="unknown import kind 'budgets'"):
        import_run(kind="budgets", file=str(path), source=Source.COMMAND)
