"""Loads the code under test from where it is written, never from copies:

- a rule's `bad` / `fixed` example from `wagcheck rules --format json` (run.sh passes the file
  in WAGCHECK_RULES_JSON; without it the catalogue is built with cargo);
- a lesson's `# Bug:` / `# Solution:` files from `web/lessons/*.md`.

`load()` executes such code as a module of the project's `apps.blog` package (or a
subpackage), so its relative imports (`from .models import BlogPost`) reach the models in
`apps/blog/models.py`. Receivers it connects are disconnected after each test.
"""

import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time
import types
from functools import cache

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
_loaded = 0


@cache
def catalogue():
    path = os.environ.get("WAGCHECK_RULES_JSON")
    if path:
        text = pathlib.Path(path).read_text()
    else:
        text = subprocess.run(
            ["cargo", "run", "-q", "--bin", "wagcheck", "--", "rules", "--format", "json"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
    return {rule["id"]: rule for rule in json.loads(text)}


def example(rule_id, kind, path=None):
    """The code of a rule's `bad` or `fixed` example (one file, or the file at `path`)."""
    files = catalogue()[rule_id][kind]
    if path is None:
        assert len(files) == 1, f"{rule_id} {kind} has {len(files)} files: name one"
        return files[0]["text"]
    return next(f["text"] for f in files if f["path"] == path)


def example_files(rule_id, kind):
    return {f["path"]: f["text"] for f in catalogue()[rule_id][kind]}


LESSON_FILE = re.compile(r"^# (Bug|Solution): (\S+)\n+```python\n(.*?)^```", re.M | re.S)


@cache
def lesson(name):
    """{"bug": {path: code}, "solution": {path: code}} of `web/lessons/<name>.md`."""
    text = (ROOT / "web" / "lessons" / f"{name}.md").read_text()
    out = {"bug": {}, "solution": {}}
    for kind, path, code in LESSON_FILE.findall(text):
        out[kind.lower()][path] = code
    assert out["bug"] and out["solution"], f"lesson {name} has no Bug/Solution code"
    return out


def lesson_code(name, kind, path):
    return lesson(name)[kind][path]


def load(code, label, package="apps.blog"):
    """Runs `code` as a fresh module inside `package` and returns it."""
    global _loaded
    _loaded += 1
    name = f"{package}._example_{_loaded}"
    module = types.ModuleType(name)
    module.__package__ = package
    module.__file__ = f"<{label}>"
    sys.modules[name] = module
    exec(compile(code, f"<{label}>", "exec"), module.__dict__)
    return module


def without_to_attr(code):
    """The same code with every `to_attr=...` argument removed."""
    stripped = re.sub(r"^\s*#.*to_attr.*\n(\s*#.*\n)*", "", code, flags=re.M)
    stripped = re.sub(r",?\s*to_attr=\"[^\"]*\",?", "", stripped)
    assert "to_attr" not in stripped and stripped != code
    return stripped


def _signals():
    import django.db.models.signals as model_signals
    import wagtail.signals as wagtail_signals
    from django.dispatch import Signal

    from apps.blog import signals as blog_signals

    for module in (model_signals, wagtail_signals, blog_signals):
        for value in vars(module).values():
            if isinstance(value, Signal):
                yield value


@pytest.fixture(autouse=True)
def isolated_receivers():
    """Receivers an example connects stay connected for its test only."""
    from apps.blog.models import CALLS

    saved = [(signal, list(signal.receivers)) for signal in _signals()]
    CALLS.clear()
    yield
    for signal, receivers in saved:
        with signal.lock:
            signal.receivers[:] = receivers
            signal.sender_receivers_cache.clear()
    CALLS.clear()


@pytest.fixture(autouse=True)
def clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server (Debian's), on a free loopback port, for this test session."""
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: run tests/django/setup.sh"
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            raise RuntimeError("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def redis_cache(redis_url):
    """Makes `django.core.cache.cache` a django-redis backend for the test."""
    from django.core.cache import cache
    from django.test import override_settings

    settings = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": redis_url}}
    with override_settings(CACHES=settings):
        cache.clear()
        yield cache
        cache.clear()
