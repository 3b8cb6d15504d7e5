"""`susi demo` creates accounts with the published password: refused unless demo mode is on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from susi.accounts.models import User
from susi.cli import app
from susi.demo import DemoModeOff, load_all

ROOT = Path(__file__).resolve().parents[1]


def test_demo_is_refused_with_demo_mode_off_and_nothing_is_written(db, settings, db_snapshot):
    settings.SUSI_DEMO_MODE = False
    before = db_snapshot()
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 1
    assert "SUSI_DEMO_MODE" in result.output and "Demodata indlæses ikke" in result.output
    assert not User.objects.exists()
    assert db_snapshot() == before


def test_load_all_itself_refuses_so_no_caller_can_slip_past(db, settings):
    settings.SUSI_DEMO_MODE = False
    with pytest.raises(DemoModeOff):
        load_all(lambda line: None)
    assert not User.objects.exists()


def test_the_production_settings_refuse_the_demo(tmp_path):
    """The real command under the production settings, with SUSI_DEMO_MODE unset."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SUSI_", "DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "susi.config.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "susi.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SUSI_PSEUDONYM_KEY": "ab" * 32,
        "PYTHONPATH": str(ROOT / "src"),
    }
    result = subprocess.run(
        [sys.executable, "-c", "from susi.cli import app; app()", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "SUSI_DEMO_MODE" in result.stdout
