"""Every refusal our code raises is translatable: a Hindi page, the field app (Accept-Language: hi) and
the admin show it in Hindi. The message of each ``DomainError(...)`` and ``PermissionDenied(...)`` in the
apps must come from gettext at raise time (``_("at most %(n)s characters") % {...}``), so a new message
written as a plain or f-string fails here, naming its file and line."""

import ast
from pathlib import Path

from django.utils import translation

from core.errors import DomainError

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "accounts", "arrears", "defaulters", "imports", "drives", "payments", "reports"]
REFUSALS = {"DomainError", "PermissionDenied", "DjangoPermissionDenied"}
# Files whose messages another change is translating now (core.money's own refusals): drop them when done.
PENDING: set[str] = set()
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext", "gettext_lazy", "ngettext_lazy", "pgettext_lazy"}


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class _Scope:
    """What a function binds: its parameters, its ``except … as name`` and its plain assignments."""

    def __init__(self, function: ast.AST | None):
        self.params: list[str] = []
        self.caught: set[str] = set()
        self.assigned: dict[str, list[ast.AST]] = {}
        if function is None:
            return
        arguments = function.args
        self.params = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
        for node in ast.walk(function):
            if isinstance(node, ast.ExceptHandler) and node.name:
                self.caught.add(node.name)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.assigned.setdefault(node.targets[0].id, []).append(node.value)


class _Checker:
    def __init__(self, tree: ast.Module, siblings: tuple[ast.Module, ...] = ()):
        self.tree = tree
        # A package's shared helper (drives/api/common.py's ``require``) is called from its sibling modules.
        self.siblings = siblings
        self.functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]

    def translated(self, node: ast.AST, function: ast.AST | None, seen: frozenset = frozenset()) -> bool:
        scope = _Scope(function)
        if isinstance(node, ast.Call) and _name(node.func) in GETTEXT:
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):  # _("… %(n)s …") % {…}
            return self.translated(node.left, function, seen)
        if isinstance(node, ast.IfExp):
            return self.translated(node.body, function, seen) and self.translated(node.orelse, function, seen)
        if self._from_caught(node, scope):
            return True  # passed on from an exception whose message was translated where it was raised
        if isinstance(node, ast.Name) and node.id not in seen:
            seen = seen | {node.id}
            if node.id in scope.assigned:
                return all(self.translated(value, function, seen) for value in scope.assigned[node.id])
            if node.id in scope.params:
                return self._every_caller_translates(function, node.id)
        return False

    @staticmethod
    def _from_caught(node: ast.AST, scope: _Scope) -> bool:
        """``str(exc)``, ``exc.detail`` or ``" ".join(exc.messages)`` of a caught exception ``exc``."""
        def caught(n):
            return isinstance(n, ast.Name) and n.id in scope.caught
        if isinstance(node, ast.Attribute):
            return caught(node.value)
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            arg = node.args[0]
            if isinstance(node.func, ast.Name) and node.func.id == "str":
                return caught(arg)
            if isinstance(node.func, ast.Attribute) and node.func.attr == "join":
                return isinstance(arg, ast.Attribute) and caught(arg.value)
        return False

    def _every_caller_translates(self, function: ast.AST, param: str) -> bool:
        """A helper's message parameter (``_require(allowed, message)``): each call in the module passes one."""
        position = [a.arg for a in function.args.posonlyargs + function.args.args].index(param) \
            if param in [a.arg for a in function.args.posonlyargs + function.args.args] else None
        passed = []
        trees = (self.tree, *self.siblings)
        for node in (n for tree in trees for n in ast.walk(tree)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == function.name:
                values = [k.value for k in node.keywords if k.arg == param]
                if not values and position is not None and position < len(node.args):
                    values = [node.args[position]]
                passed += values
                if not values:
                    return False
        functions = [f for tree in trees for f in ast.walk(tree)
                     if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]
        caller_of = {id(n): f for f in functions for n in ast.walk(f)}
        return bool(passed) and all(self.translated(value, caller_of.get(id(value))) for value in passed)

    def untranslated(self) -> list[ast.Call]:
        return [node for node in ast.walk(self.tree)
                if isinstance(node, ast.Call) and _name(node.func) in REFUSALS and node.args
                and not self.translated(node.args[0], self._innermost(node))]

    def _innermost(self, call: ast.Call) -> ast.AST | None:
        holders = [f for f in self.functions if any(n is call for n in ast.walk(f))]
        return min(holders, key=lambda f: f.end_lineno - f.lineno) if holders else None


def untranslated_refusals() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or str(path.relative_to(ROOT)) in PENDING:
                continue
            siblings = tuple(ast.parse(other.read_text(encoding="utf-8"), filename=str(other))
                             for other in sorted(path.parent.glob("*.py")) if other != path) \
                if (path.parent / "__init__.py").exists() and path.parent.name == "api" else ()
            checker = _Checker(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), siblings)
            for call in checker.untranslated():
                found.append(f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(call)[:100]}")
    return sorted(found)


def test_it_finds_no_refusal_whose_message_is_not_translatable():
    assert untranslated_refusals() == []


def test_it_would_catch_an_f_string_message_and_accept_a_translated_one():
    source = '''
def plain(limit):
    raise DomainError(f"at most {limit} characters", code="invalid_notes", field="notes")

def translated(limit):
    raise DomainError(_("at most %(n)s characters") % {"n": limit}, code="invalid_notes", field="notes")

def _require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)

def view(user):
    _require(user.is_staff, "only officers plan drives")
'''
    lines = sorted(call.lineno for call in _Checker(ast.parse(source)).untranslated())
    assert lines == [3, 10]  # the f-string, and the helper one of whose callers passes plain English


def test_it_raises_the_message_in_the_language_of_the_request(monkeypatch):
    # gettext runs when the error is raised, so the message is in the request's language (here a stand-in
    # Hindi catalogue: the real one is built from locale/); English, the code and the field are unchanged.
    from django.utils.translation import trans_real

    from drives.checks import text_checked

    hindi = {"at most %(n)s characters": "अधिकतम %(n)s अक्षर"}
    monkeypatch.setattr(trans_real.translation("hi"), "gettext", lambda message: hindi.get(message, message))

    def refusal(language):
        with translation.override(language):
            try:
                text_checked("x" * 2001, field="notes", limit=2000, code="invalid_notes")
            except DomainError as exc:
                return exc.detail, exc.code, exc.field
        raise AssertionError("2,001 characters were accepted")

    assert refusal("en") == ("at most 2,000 characters", "invalid_notes", "notes")
    assert refusal("hi") == ("अधिकतम 2,000 अक्षर", "invalid_notes", "notes")
