"""The layout of DESIGN.md: one app per capability, each importing only the apps above it.

Reads every module of every app (not migrations, not tests) and fails on an import that points
down the chain or into the project package, so no circle between apps can come back.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The chain, top to bottom: an app may import only apps before it.
CHAIN = ["core", "accounts", "arrears", "notify", "defaulters", "imports", "settlements", "drives", "payments",
         "recovery", "reports"]
APPS = [app for app in CHAIN if (ROOT / app / "apps.py").exists()]


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def modules_of(app: str) -> list[Path]:
    return [path for path in sorted((ROOT / app).rglob("*.py"))
            if "migrations" not in path.parts and "__pycache__" not in path.parts]


def test_it_has_every_app_of_the_layout_so_far():
    assert APPS == ["core", "accounts", "arrears", "notify", "defaulters", "imports", "settlements", "drives",
                    "payments", "recovery", "reports"]


@pytest.mark.parametrize("app", APPS)
def test_it_imports_only_apps_above(app):
    wrong = []
    for path in modules_of(app):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top == "kesco" and module != "kesco.celery":
                wrong.append(f"{path.relative_to(ROOT)}: {module} (apps take nothing from kesco/ but kesco.celery)")
            elif top in CHAIN and top != app and CHAIN.index(top) > CHAIN.index(app):
                wrong.append(f"{path.relative_to(ROOT)}: {module} is below {app}")
    assert not wrong, "\n".join(wrong)


def test_it_catches_an_upward_import(tmp_path):
    # The check itself can fail: a module of accounts that imports payments is caught.
    module = tmp_path / "views.py"
    module.write_text("from payments.services import payment_record\nimport core.money\n")
    tops = [name.split(".")[0] for name in imported_modules(module)]
    assert [t for t in tops if CHAIN.index(t) > CHAIN.index("accounts")] == ["payments"]


def models_named(path: Path) -> list[str]:
    """The app labels a module reaches by name rather than by import: ``apps.get_model("settlements", ...)``,
    ``get_model("settlements.Settlement")`` and lazy references such as ``ForeignKey("settlements.Settlement")``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    labels = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        texts = [a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if name == "get_model" and texts:
            labels.append(texts[0].split(".")[0])
        elif name in ("ForeignKey", "OneToOneField", "ManyToManyField") and texts and "." in texts[0]:
            labels.append(texts[0].split(".")[0])
    return labels


@pytest.mark.parametrize("app", APPS)
def test_it_reads_no_app_below_by_name_either(app):
    """A lower app never reads a higher one, not even through apps.get_model (DESIGN.md, Layout): it announces or
    asks with a signal the higher one answers (defaulters.signals.defaulter_marks, answered by settlements)."""
    wrong = [f"{path.relative_to(ROOT)}: {label} is below {app}"
             for path in modules_of(app) for label in models_named(path)
             if label in CHAIN and label != app and CHAIN.index(label) > CHAIN.index(app)]
    assert not wrong, "\n".join(wrong)


def test_it_catches_a_model_read_by_name(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("from django.apps import apps\nSettlement = apps.get_model('settlements', 'Settlement')\n"
                      "Other = apps.get_model('drives.Stop')\nUser = apps.get_model('accounts', 'User')\n")
    assert [label for label in models_named(module) if CHAIN.index(label) > CHAIN.index("defaulters")] == [
        "settlements", "drives"]


def test_defaulters_marks_its_kept_consumers_through_a_signal_settlements_answers():
    from defaulters.signals import defaulter_marks

    assert "settlements" not in {m.split(".")[0] for path in modules_of("defaulters") for m in imported_modules(path)}
    # Connected in settlements/apps.py ready(), under its dispatch_uid.
    assert any(key[0] == "settlements.defaulter_marks" for key, *_rest in defaulter_marks.receivers)
