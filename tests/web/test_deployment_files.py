"""The container files stay in step with the code (no container engine here to build them, see deployment.md)."""

import re
from pathlib import Path

from typer.testing import CliRunner

from susi.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_the_containerfile_runs_options_that_susi_serve_has():
    containerfile = (ROOT / "Containerfile").read_text()
    command = re.search(r"^CMD (\[.*\])$", containerfile, re.M).group(1)
    assert command.startswith('["susi", "serve"')
    help_text = CliRunner().invoke(app, ["serve", "--help"], terminal_width=200).output
    for option in re.findall(r'"(--[a-z-]+)"', command):
        assert option in help_text, option
    assert "manage collectstatic --noinput" in containerfile and "USER susi" in containerfile
    assert "/healthz" in containerfile


def test_compose_runs_web_worker_postgresql_and_redis_with_the_settings_production_demands():
    compose = (ROOT / "compose.yaml").read_text()
    services = re.findall(r"^  ([a-z]+):$", compose.split("\nvolumes:")[0].split("\nservices:")[1], re.M)
    assert services == ["web", "worker", "db", "redis"]
    assert 'command: ["susi", "worker"]' in compose
    assert "REDIS_URL: redis://redis:6379/0" in compose, "web and worker share the job progress through Redis"
    assert "image: postgres:15" in compose and "image: redis:7" in compose
    for variable in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SUSI_PSEUDONYM_KEY"):
        assert f"{variable}:" in compose, variable
    assert '"127.0.0.1:8000:8000"' in compose, "the web port is published to the host's loopback only"


def test_the_nginx_sample_protects_product_files():
    guide = (ROOT / "docs" / "developers" / "deployment.md").read_text()
    nginx = guide.split("```nginx")[1].split("```")[0]
    block = nginx.split("location /protected-media/ {")[1].split("}")[0]
    assert "internal;" in block
    assert "location /media/" not in nginx
