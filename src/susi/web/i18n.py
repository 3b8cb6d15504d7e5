"""Engine texts carry Danish and English side by side; pick the one for the active language."""

from django.utils.functional import lazy
from django.utils.translation import get_language


def localized(text) -> str:
    """`text` has `da`/`en` (engine texts) or `name_da`/`name_en` (engine labels)."""
    english = (get_language() or "da")[:2] == "en"
    if hasattr(text, "da"):
        return text.en if english else text.da
    if hasattr(text, "name_da"):
        return text.name_en if english else text.name_da
    return str(text)


lazy_localized = lazy(localized, str)
