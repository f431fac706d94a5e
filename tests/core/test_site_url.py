"""Links in e-mails the worker sends start with one address: the caller's, else CITYBRIDGE_SITE_URL."""

from __future__ import annotations

from django.test import override_settings

from citybridge.core.tasks import site_url_of


def test_the_callers_address_wins_then_the_setting():
    with override_settings(SITE_URL="http://127.0.0.1:8000"):
        assert site_url_of() == "http://127.0.0.1:8000"
        assert site_url_of("https://citybridge.example.org/") == "https://citybridge.example.org"


def test_the_demo_points_its_e_mails_at_where_it_serves(monkeypatch):
    import citybridge.cli as cli

    monkeypatch.delenv("CITYBRIDGE_SITE_URL", raising=False)
    monkeypatch.setenv("CITYBRIDGE_BIND", "127.0.0.1:8011")
    monkeypatch.setattr(cli, "prepare", lambda: None)
    monkeypatch.setattr(cli, "serve", lambda argv: 0)

    class _Worker:
        def send_signal(self, sig: int) -> None: ...

        def wait(self, timeout: float) -> int:
            return 0

    monkeypatch.setattr(cli.subprocess, "Popen", lambda *a, **k: _Worker())
    assert cli.demo([]) == 0
    import os

    assert os.environ["CITYBRIDGE_SITE_URL"] == "http://127.0.0.1:8011"
    monkeypatch.delenv("CITYBRIDGE_SITE_URL")
