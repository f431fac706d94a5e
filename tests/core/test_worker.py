"""The real background worker: a task enqueued in the database is run by `citybridge worker`, which beats for /healthz."""

import os
import subprocess
import sys
import textwrap


def run(args, env, **kw):
    return subprocess.run(
        [sys.executable, "-m", "citybridge.cli", *args], env=env, capture_output=True, text=True, timeout=120, **kw
    )


def test_worker_runs_an_enqueued_email_task_taking_only_ids(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CITYBRIDGE_"))}
    env.update(
        CITYBRIDGE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="citybridge.settings", CITYBRIDGE_EMAIL_URL="console:"
    )
    assert run(["manage", "migrate", "--verbosity", "0"], env).returncode == 0
    enqueue = textwrap.dedent("""
        from citybridge.core.models import User
        from citybridge.core.tasks import send_password_reset_email
        user = User.objects.create_user("a@example.org", "a-long-password-123")
        r = send_password_reset_email.enqueue(user_id=user.pk, domain="example.org", use_https=True,
                                              language="zh-hans")
        print(r.id)
    """)
    task_id = run(["manage", "shell", "--no-imports", "-c", enqueue], env).stdout.strip()
    assert task_id
    worker = run(["worker", "--batch", "--no-startup-delay"], env)
    assert worker.returncode == 0, worker.stderr
    assert "请打开以下链接设置新密码" in worker.stdout  # the console backend printed the e-mail, in Chinese
    status = run(
        [
            "manage",
            "shell",
            "--no-imports",
            "-c",
            f"from django_tasks_db.models import DBTaskResult; print(DBTaskResult.objects.get(id='{task_id}').status)",
        ],
        env,
    ).stdout.strip()
    assert status == "SUCCESSFUL"


def test_running_worker_writes_the_heartbeat_healthz_reads(tmp_path):
    import time

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CITYBRIDGE_"))}
    env.update(CITYBRIDGE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="citybridge.settings")
    assert run(["manage", "migrate", "--verbosity", "0"], env).returncode == 0
    worker = subprocess.Popen(
        [sys.executable, "-m", "citybridge.cli", "worker", "--no-startup-delay"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    probe = (
        "from django.test import Client; print(Client(HTTP_HOST='127.0.0.1').get('/healthz').json()['worker']['ok'])"
    )
    try:
        deadline, ok = time.monotonic() + 60, "False"
        while time.monotonic() < deadline and ok != "True":
            time.sleep(1)
            ok = run(["manage", "shell", "--no-imports", "-c", probe], env).stdout.strip()
        assert ok == "True"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
