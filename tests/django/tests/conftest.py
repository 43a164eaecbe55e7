"""Loads the code under test from where it is written, never from copies:

- a rule's `bad` / `fixed` example from `wagcheck rules --format json` (run.sh passes the file
  in WAGCHECK_RULES_JSON; without it the catalogue is built with cargo);
- a lesson's `# Bug:` / `# Solution:` files from `web/lessons/*.md`.

`load()` executes such code as a module of the project's `apps.blog` package (or a
subpackage), so its relative imports (`from .models import BlogPost`) reach the models in
`apps/blog/models.py`. `load_files()` does the same for a multi-file example or lesson: its
files become modules of a fresh package tree. In both, a model class the code declares is
served by the project's model of that name (fields checked, `search_fields`/`api_fields` taken
from the example for the test; see `exec_serving_models`), since Django registers a model class
once. Receivers the code connects are disconnected after each test.
"""

import ast
import importlib.abc
import importlib.util

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
    exec_serving_models(code, f"<{label}>", module.__dict__)
    return module


class _ExampleFiles(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports `<root>.<dotted path>` from an example's files."""

    def __init__(self, modules):
        self.modules = modules  # module name -> code

    def find_spec(self, fullname, path, target=None):
        if fullname in self.modules:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec_serving_models(self.modules[module.__name__], f"<{module.__name__}>", module.__dict__)


# Undone after each test: class attributes an example set on a project model, page types it
# defined (Wagtail lists every page class it sees).
_RESTORE = []


def _restore_attribute(model, name):
    if name in model.__dict__:
        old = model.__dict__[name]
        return lambda: setattr(model, name, old)
    return lambda: delattr(model, name)


def exec_serving_models(code, label, namespace):
    """Runs an example's code in `namespace`, with its models served by the project's.

    A class named like a model of `apps/blog/models.py` is not defined again (Django registers
    a model class once): the project's model takes its place, after a check that it has every
    field the example declares, and the example's other class attributes (`search_fields`,
    `api_fields`: what the rule is about) replace the project's for the test. Any other class,
    such as a page type with no fields whose `get_context` is the code under test, is defined
    in a throwaway app registry: it runs, and has no table.
    """
    from django.db.models import Model
    from django.test.utils import isolate_apps
    from wagtail.models import PAGE_MODEL_CLASSES

    from apps.blog import models

    tree = ast.parse(code)
    attributes, kept = [], []
    for node in tree.body:
        model = getattr(models, node.name, None) if isinstance(node, ast.ClassDef) else None
        if not (isinstance(model, type) and issubclass(model, Model)):
            kept.append(node)
            continue
        for statement in node.body:
            # Methods would be lost: the code under test must not be in a served class.
            assert not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)), (
                f"{label}: {node.name}.{statement.name}() would not run: the project's model "
                "serves the class")
            if not isinstance(statement, ast.Assign):
                continue
            for target in statement.targets:
                if isinstance(statement.value, ast.Call):
                    model._meta.get_field(target.id)  # a field: FieldDoesNotExist names the gap
                else:
                    attributes.append((model, target.id, statement.value))
        namespace[node.name] = model
    tree.body = kept
    pages = len(PAGE_MODEL_CLASSES)
    # A model class belongs to the app whose package its module is in: load_files' modules
    # (`_example_N.blog.models`) are placed under apps.blog while their classes are defined.
    module_name = namespace.get("__name__", "")
    if not module_name.startswith("apps.blog."):
        namespace["__name__"] = f"apps.blog.{module_name}"
    try:
        with isolate_apps("apps.blog"):
            exec(compile(tree, label, "exec"), namespace)
    finally:
        namespace["__name__"] = module_name
    if len(PAGE_MODEL_CLASSES) > pages:
        added = PAGE_MODEL_CLASSES[pages:]
        # A test may unregister them itself first (test_wag013's load_pages): remove what is left.
        _RESTORE.append(lambda: [PAGE_MODEL_CLASSES.remove(c) for c in added if c in PAGE_MODEL_CLASSES])
    for model, name, expression in attributes:
        value = eval(compile(ast.Expression(expression), label, "eval"), namespace)
        _RESTORE.append(_restore_attribute(model, name))
        setattr(model, name, value)


@pytest.fixture(autouse=True)
def restore_project_models():
    yield
    while _RESTORE:
        _RESTORE.pop()()


# Project modules a multi-file example imports without containing them (`from .services import`).
PROJECT_MODULES = ("services", "serializers", "signals", "models", "blocks")


def load_files(files, label):
    """Loads a multi-file example ({path: code}) and returns {path: module}."""
    global _loaded
    _loaded += 1
    root = f"_example_{_loaded}"
    modules, packages = {}, {root}
    for path, code in files.items():
        parts = [root, *path[: -len(".py")].split("/")]
        packages.update(".".join(parts[:i]) for i in range(2, len(parts)))
        modules[".".join(parts)] = (path, code)
    for package in sorted(packages):
        module = types.ModuleType(package)
        module.__path__ = []
        sys.modules[package] = module
        for name in PROJECT_MODULES:
            if f"{package}.{name}" not in modules:
                sys.modules[f"{package}.{name}"] = importlib.import_module(f"apps.blog.{name}")
    runnable = {name: code for name, (path, code) in modules.items()}
    sys.meta_path.insert(0, _ExampleFiles(runnable))
    try:
        return {path: importlib.import_module(name) for name, (path, _) in modules.items()}
    finally:
        sys.meta_path.pop(0)


def example_modules(rule_id, kind):
    """A rule's example loaded, keyed by file name (`views.py`, `serializers.py`, ...)."""
    modules = load_files(example_files(rule_id, kind), f"{rule_id} {kind}")
    return {path.rsplit("/", 1)[-1]: module for path, module in modules.items()}


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
