"""हिन्दी everywhere: the catalogue is complete, and every page a clerk, an officer or the MD opens,
rendered in Hindi, shows no English words but the data itself.

The pages are those of tests/test_permissions.py (the table every new page must join), over its world:
every GET a role may open (200, HTML), and the admin pages an officer works in. A page fails when its
visible text (and its labels: title, aria-label, placeholder, alt) holds a word of Latin letters that is
neither stored data (a consumer's name, a drive's name: values of our models' free-text fields), nor a
code (all capitals: RTP, LMV-1, CSV, KESCO), nor in ALLOWED below. A string left out of the catalogue,
left unwrapped in a template, turned to text at import time, or missing from Django's own Hindi
catalogue shows up here, named with its page.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from tests.test_permissions import PAGES, ROLES, _admin_rows, world  # noqa: F401  (world: the fixture)

PROJECT = Path(__file__).resolve().parents[2]
# Ours, and Django's own strings that Django's Hindi catalogue lacks (admin, forms, history pages).
CATALOGUES = [PROJECT / "locale" / "hi" / "LC_MESSAGES" / "django.po",
              PROJECT / "locale-django" / "hi" / "LC_MESSAGES" / "django.po",
              PROJECT / "locale-django" / "hi" / "LC_MESSAGES" / "djangojs.po"]

# Latin words a Hindi page may show: names of things (the language switch's own "English"; units and
# formats that are written in Latin letters in Hindi too).
ALLOWED = {"English", "kW", "PDF", "CSV", "XLSX", "API", "UPI", "DD", "FIR", "KESCO", "UPPCL", "Section"}
# What is read (visible text and these attributes) and what is not (code, styles, hidden values).
LABEL_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
SKIPPED_TAGS = {"script", "style", "template", "code", "pre", "noscript"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{[^}]*\}")


class VisibleText(HTMLParser):
    """The text a user reads on a page, and the labels a screen reader speaks; not what a page marks
    as English on purpose (lang="en": a receipt's amount in words is written in both languages)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, whether its content is skipped)

    @property
    def skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.open)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in self.VOID:
            self.open.append((tag, tag in SKIPPED_TAGS or (attributes.get("lang") or "").startswith("en")))
        if self.skipping or attributes.get("type") == "hidden":
            return
        if tag == "img" and "/admin/img/icon-" in (attributes.get("src") or ""):
            return  # Django's yes/no icon: its alt is the Python value ("True"), which Django never translates
        self.parts.extend(value for name, value in attrs if name in LABEL_ATTRIBUTES and value)
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        # Close up to the matching tag: a page may leave a <p> or <li> unclosed.
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data)


def english_words(html: str, data_words: set[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    for part in parser.parts:
        for word in LATIN_WORD.findall(part):
            if word.isupper() or word in ALLOWED or word in data_words or word.lower() in data_words:
                continue
            found.append(word)
    return sorted(set(found))


def stored_words() -> set[str]:
    """Every Latin word in our models' free-text values (names, addresses, references, notes), keys and JSON (a
    field handover's refused request, as it was sent): data."""
    words: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"accounts", "arrears", "defaulters", "drives", "imports", "payments",
                                         "reports", "settlements"} or model.__name__.startswith("Historical"):
            continue
        fields = [f.name for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField | models.JSONField | models.UUIDField)
                  and not f.choices]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                text = value if isinstance(value, str) or value is None else json.dumps(value, default=str)
                words.update(LATIN_WORD.findall(text or ""))
    return words


# --- the catalogue ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: f"{po.parent.parent.parent.parent.name}/{po.name}")
def test_it_has_a_hindi_translation_for_every_string_of_the_catalogue(po):
    catalogue = polib.pofile(str(po))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} strings without Hindi: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (guessed) translations to check: {fuzzy[:20]}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: f"{po.parent.parent.parent.parent.name}/{po.name}")
def test_it_keeps_every_placeholder_of_the_english_in_the_hindi(po):
    wrong = []
    for entry in polib.pofile(str(po)).translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for text in translations:
            if sorted(PLACEHOLDER.findall(text)) != wanted and "python-format" in entry.flags:
                wrong.append(f"{entry.msgid!r} → {text!r}")
    assert not wrong, "\n".join(wrong)


# --- the pages -------------------------------------------------------------------------------------------------

# The roles of this issue: the field clerk, the division officer and the MD.
HINDI_ROLES = ("clerk", "officer", "md")
# Developer tools, not pages of the app: Swagger UI speaks English.
NOT_PAGES = ("/api/docs/", "/api/schema/")


def _hindi_clients(world) -> dict[str, Client]:  # noqa: F811  (world: the fixture's value)
    """A client per role whose user chose Hindi once (remembered on the user, no cookie sent)."""
    clients = {}
    for role in HINDI_ROLES:
        user = world["users"][role]
        user.language = "hi"
        user.save(update_fields=["language"])
        client = Client()
        client.force_login(user)
        clients[role] = client
    return clients


def _pages_of(role: str, world) -> list[str]:  # noqa: F811
    column = ROLES.index(role)
    paths = [path for method, path, body, expected in PAGES
             if method == "get" and expected[column] == 200 and path not in NOT_PAGES]
    if role == "officer":  # the admin pages of their division's records
        paths += [row[1] for name, page, row in _admin_rows()
                  if row[0] == "get" and row[3][column] == 200 and "{admin" not in row[1]]
        paths += [path for method, path, body, expected in PAGES
                  if method == "get" and path.startswith("{admin") and expected[column] == 200]
    return [path.format(**world["keys"]) for path in paths]


def test_it_shows_every_page_of_the_clerk_the_officer_and_the_md_in_hindi(world):  # noqa: F811
    clients = _hindi_clients(world)
    data_words = stored_words()
    english, rendered = [], 0
    for role in HINDI_ROLES:
        for path in _pages_of(role, world):
            response = clients[role].get(path)
            assert response.status_code == 200, f"{role}: {path} -> {response.status_code}"
            if not response["Content-Type"].startswith("text/html"):
                continue
            rendered += 1
            assert response.content.decode().count('lang="hi"') >= 1, f"{role}: {path} is not in Hindi"
            words = english_words(response.content.decode(), data_words)
            if words:
                english.append(f"{role} {path}: {', '.join(words)}")
    assert rendered > 40, f"only {rendered} pages rendered: the world or the table shrank"
    assert not english, f"English on {len(english)} Hindi pages:\n" + "\n".join(english)


def test_it_remembers_the_language_a_user_chose_on_any_device(world):  # noqa: F811
    officer, password = world["users"]["officer"], world["password"]
    phone = Client()
    phone.post("/login/", {"username": officer.username, "password": password})
    phone.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    officer.refresh_from_db()
    assert officer.language == "hi"

    laptop = Client()  # no cookie, a browser that asks for English
    laptop.post("/login/", {"username": officer.username, "password": password})
    page = laptop.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="hi"' in page.content.decode()
    assert page.cookies["django_language"].value == "hi"

    laptop.post("/i18n/setlang/", {"language": "en", "next": "/"})
    officer.refresh_from_db()
    assert officer.language == "en"
    assert '<html lang="en"' in laptop.get("/").content.decode()


@pytest.mark.parametrize("html, english", [
    ('<h1>बकायेदार</h1><td>Ram Prasad</td>', []),
    ('<th>Arrears</th><button aria-label="Open menu">☰</button>', ["Arrears", "Open", "menu"]),
    ('<script>var x = "Arrears";</script><input type="hidden" value="Arrears"><td>RTP LMV-1</td>', []),
    ('<dd><span lang="en">Rupees one hundred only</span><br><span>एक सौ रुपये मात्र</span> Paid</dd>', ["Paid"]),
    ('<ul><li>Unclosed<li lang="en">Skipped</ul><p>After', ["After", "Unclosed"]),
])
def test_it_finds_english_words_but_not_data_or_code(html, english):
    assert english_words(html, {"Ram", "Prasad"}) == english
