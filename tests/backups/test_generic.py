"""The backups app is generic: it stands on core alone and finds the tables by introspection."""

from pathlib import Path

from tests.test_layout import CHAIN, imported_modules

APP = Path(__file__).resolve().parents[2] / "backups"


def test_it_imports_no_app_but_core():
    wrong = [f"{path.name}: {module}" for path in sorted(APP.rglob("*.py")) if "migrations" not in path.parts
             for module in imported_modules(path)
             if module.split(".")[0] in {*CHAIN, "kesco"} - {"core"}]
    assert not wrong, wrong
