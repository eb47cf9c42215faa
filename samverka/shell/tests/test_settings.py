"""Settings: the embedded mode needs nothing; production passes `check --deploy` cleanly."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "SAMVERKA_MODE": "production",
    "SECRET_KEY": "x7!kQ2#vR9@mZ4$wL8^pN3&bT6*yH1(cJ5)dF0_gS2+eA7=uK9~o",
    "ALLOWED_HOSTS": "samverka.kommun.example",
    "DATABASE_URL": "postgres://samverka@127.0.0.1:5432/samverka",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "samverka.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_warnings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_its_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path: Path) -> None:
    key = tmp_path / "secret_key"
    key.write_text(PRODUCTION["SECRET_KEY"], encoding="utf-8")
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**env, "SECRET_KEY_FILE": str(key)}
    )
    assert result.returncode == 0, result.stderr


def test_the_embedded_mode_needs_no_variables(tmp_path: Path) -> None:
    result = manage("check", env={"SAMVERKA_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


CACHE_BACKEND = (
    "from django.conf import settings;"
    "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default'].get('LOCATION'))"
)


def test_the_cache_is_in_redis_when_redis_url_is_set() -> None:
    """Several web processes share one cache: REDIS_URL names it (in either mode)."""
    url = "redis://cache.kommun.example:6379/1"
    result = manage("shell", "-c", CACHE_BACKEND, env={**PRODUCTION, "REDIS_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["django.core.cache.backends.redis.RedisCache", url]


def test_without_redis_url_the_cache_is_in_the_process_memory(tmp_path: Path) -> None:
    env = {"SAMVERKA_VAR_DIR": str(tmp_path), "REDIS_URL": ""}
    result = manage("shell", "-c", CACHE_BACKEND, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2] == "django.core.cache.backends.locmem.LocMemCache"
