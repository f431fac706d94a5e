"""The `citybridge` console script: demo, serve, worker, import, manage …"""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citybridge.settings")
    import django

    django.setup()


def manage(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citybridge.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["citybridge manage", *argv])
    return 0


def prepare() -> None:
    """Migrate, compile translations, load the demo data (idempotent)."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("compilemessages", verbosity=0, ignore_patterns=[".venv", "node_modules"])
    call_command("load_demo")


def serve(argv: list[str]) -> int:
    bind = os.environ.get("CITYBRIDGE_BIND", "127.0.0.1:8000")
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "citybridge.wsgi:application",
        "--bind",
        bind,
        "--workers",
        os.environ.get("CITYBRIDGE_WEB_WORKERS", "3"),
        "--access-logfile",
        "-",
        *argv,
    ]
    return subprocess.call(args)


def worker(argv: list[str]) -> int:
    return manage(["worker", *argv])


def demo(argv: list[str]) -> int:
    """Set up everything, then serve the demo with a worker beside it, until Ctrl-C."""
    prepare()
    bind = os.environ.get("CITYBRIDGE_BIND", "127.0.0.1:8000")
    os.environ.setdefault("CITYBRIDGE_SITE_URL", f"http://{bind}")  # links in the demo's e-mails lead back here
    worker_proc = subprocess.Popen([sys.executable, "-m", "citybridge.cli", "worker"])
    print(f"\nCityBridge is running on http://{bind}/  (Ctrl-C stops it)\n", flush=True)
    try:
        return serve(argv)
    except KeyboardInterrupt:
        return 0
    finally:
        worker_proc.send_signal(signal.SIGTERM)
        try:
            worker_proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker_proc.kill()


USAGE = """usage: citybridge COMMAND [ARGS]

  demo            migrate, load demo data, print the sign-in, serve on 127.0.0.1:8000 with a worker
  prepare         migrate, compile translations and load demo data, then exit
  serve [ARGS]    the web server (gunicorn); CITYBRIDGE_BIND sets the address
  worker [ARGS]   the background task worker
  import WHAT     import public data (e.g. `citybridge import cities`)
  generate WHAT   generate benchmark data
  manage ARGS     any Django management command
"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "demo":
        return demo(rest)
    if command == "prepare":
        prepare()
        return 0
    if command == "serve":
        return serve(rest)
    if command == "worker":
        return worker(rest)
    if command == "manage":
        return manage(rest)
    if command in ("import", "generate"):
        if not rest:
            print(USAGE)
            return 2
        return manage([f"{command}_{rest[0]}", *rest[1:]])
    print(USAGE)
    return 2


if __name__ == "__main__":
    sys.exit(main())
