"""The English catalogue lacks no string: `makemessages` run on a temporary copy of the source finds no msgid
that the committed django.po does not have. The committed catalogue is never rewritten by this test."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

import susi

PACKAGE = Path(susi.__file__).resolve().parent
PO_FILE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"


def msgids(po: Path) -> set[tuple[str, str]]:
    """(msgctxt, msgid) of every entry of a .po file; the header and obsolete entries (#~) left out."""
    entries: set[tuple[str, str]] = set()
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        keyword = ""
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#") or not line:
                continue
            if line.startswith('"'):
                fields[keyword] += ast.literal_eval(line)
            else:
                keyword, _, rest = line.partition(" ")
                fields[keyword] = ast.literal_eval(rest)
        if fields.get("msgid"):
            entries.add((fields.get("msgctxt", ""), fields["msgid"]))
    return entries


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext")
def test_makemessages_finds_no_string_missing_from_the_catalogue(tmp_path, monkeypatch):
    copy = tmp_path / "susi"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "migrations"),
    )
    committed = PO_FILE.read_bytes()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    assert PO_FILE.read_bytes() == committed, "the committed catalogue must not be touched"
    missing = msgids(copy / "locale" / "en" / "LC_MESSAGES" / "django.po") - msgids(PO_FILE)
    assert not missing, "strings in the code or templates missing from django.po:\n" + "\n".join(
        sorted(m for _, m in missing)
    )


def test_the_parser_reads_every_kind_of_entry(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#: a.py:1\nmsgid "Gem"\nmsgstr "Save"\n\n'
        '#, python-format\nmsgid ""\n"To "\n"linjer %(n)s"\nmsgstr "Two lines %(n)s"\n\n'
        'msgctxt "måned"\nmsgid "maj"\nmsgstr "May"\n\n'
        'msgid "én fil"\nmsgid_plural "%(n)d filer"\nmsgstr[0] "one file"\nmsgstr[1] "%(n)d files"\n\n'
        '#~ msgid "gammel"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    assert msgids(po) == {("", "Gem"), ("", "To linjer %(n)s"), ("måned", "maj"), ("", "én fil")}
