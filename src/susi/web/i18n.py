"""Engine texts carry Danish and English side by side (`Text(da, en)`); pick the one for the active language."""

from django.utils.functional import lazy
from django.utils.translation import get_language


def localized(text) -> str:
    language = (get_language() or "da")[:2]
    return text.en if language == "en" else text.da


lazy_localized = lazy(localized, str)
