"""Hindi pages use the same Indian formats as English ones (see kesco.formats.en)."""

from kesco.formats.en.formats import *  # noqa: F403
