"""The translation catalogues (locale/ and locale-django/: */LC_MESSAGES/*.po) compiled to .mo at build time.

`python -m kesco.catalogue` compiles every .po whose .mo is missing or older. The .mo files are
built, never committed: a committed one goes stale and hides new strings behind English. Make,
the Dockerfile and the test run call this one function; polib (pure Python) does the work, so no
GNU gettext is needed on the machine. Fuzzy and untranslated entries are left out of the .mo.
"""

import sys
from pathlib import Path

import polib

PROJECT = Path(__file__).resolve().parent.parent
# Ours (makemessages keeps it) and Django's own strings in Hindi (kept by hand): settings.LOCALE_PATHS.
LOCALES = (PROJECT / "locale", PROJECT / "locale-django")


def catalogues_compile(*, locales: tuple[Path, ...] = LOCALES, force: bool = False) -> list[Path]:
    """Compiles the stale catalogues; returns the .mo files written."""
    written = []
    for po_path in sorted(po for locale in locales for po in locale.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in catalogues_compile(force="--force" in sys.argv[1:]):
        print(f"compiled {path.relative_to(PROJECT)}")
