"""The gunicorn configuration `make serve` runs with."""

from pathlib import Path

from gunicorn.config import Config

CONFIG = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


def served_config(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "HOST", "PORT", "GUNICORN_CMD_ARGS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = {}
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), namespace)  # as gunicorn reads it
    config = Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_a_long_download_is_not_killed_by_the_worker_timeout(monkeypatch):
    """A CSV export streams for minutes: only a threaded worker keeps reporting to the arbiter meanwhile."""
    config = served_config(monkeypatch)
    assert config.threads > 1
    assert config.worker_class_str == "gthread"
    assert config.timeout == 120


def test_address_and_workers_come_from_the_environment(monkeypatch):
    config = served_config(monkeypatch, HOST="::1", PORT="9001", WEB_CONCURRENCY="3")
    assert config.bind == ["[::1]:9001"]
    assert config.workers == 3
    assert served_config(monkeypatch).bind == ["127.0.0.1:8000"]
