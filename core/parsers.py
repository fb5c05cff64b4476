"""The API's JSON parser: a hostile body is a 400, never a 500."""

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

# No request of ours nests deeper than 2; 32 leaves room for any future one, and keeps every later
# recursive walk of the data (validation, hashing, rendering errors) far from Python's recursion limit.
MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with nesting bounded to MAX_DEPTH levels.

    `json` raises RecursionError, not ValueError, on deep nesting, and DRF's parser lets it through
    as a 500. The body's size is bounded before this runs: DRF reads it through `request.body`,
    which Django refuses (400) past DATA_UPLOAD_MAX_MEMORY_SIZE.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if _nesting_depth(text) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested too deeply (more than {MAX_DEPTH} levels).")
        parse_constant = json.strict_constant if self.strict else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


def _nesting_depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings; stops counting past MAX_DEPTH. Linear, no recursion."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0  # the usual body: too few brackets to matter, counted at C speed
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    break
        elif char in "]}":
            depth -= 1
    return deepest
