"""Every role-dependent decision is in the rules module: no view, selector, service, form or template outside
`accounts` asks for a user's role (demo data, which creates users with roles, and migrations excepted)."""

import re
from pathlib import Path

import susi

ROOT = Path(susi.__file__).parent
ROLE_CHECK = re.compile(r"\brole\b\s*(==|!=|\bin\b)|\.role\b|\bRole\.|\bis_agency\b|get_role_display")
ALLOWED = ("accounts/", "engines/", "/migrations/", "demo.py", "templates/base.html")


def test_no_role_checks_outside_the_rules_module():
    found = []
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in {".py", ".html"}:
            continue
        relative = path.relative_to(ROOT).as_posix()
        if any(part in relative for part in ALLOWED):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROLE_CHECK.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "ask susi.accounts.permissions instead:\n" + "\n".join(found)
