"""The one place that picks a language: engine texts carry Danish and English side by side.

Engines hand back `susi.engines.text.Text` (and errors carrying one); views, services, forms and templates show
them through `localized` (now, in the active language) or `lazy_localized` (when the string is shown later, e.g.
a module-level choice list or a message stored for the next page). Nothing else reads `.da` or `.en`.
"""

from django.utils.functional import lazy
from django.utils.translation import get_language

from susi.engines.errors import EngineError
from susi.engines.text import Text


def english() -> bool:
    return (get_language() or "da")[:2] == "en"


def localized(text) -> str:
    """`text` is a `Text`, an engine error, or an engine label with a `name` Text; other values pass through."""
    if isinstance(text, EngineError):
        text = text.message
    if isinstance(text, Text):
        return text.en if english() else text.da
    name = getattr(text, "name", None)
    if isinstance(name, Text):
        return name.en if english() else name.da
    return str(text)


lazy_localized = lazy(localized, str)


def error_messages(error: EngineError) -> list[tuple[str, str]]:
    """(field, message in the active language) for every problem of an engine error."""
    return [(p.field, localized(p.message)) for p in error.problems]
