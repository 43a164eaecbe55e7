"""IMP001/IMP002/IMP003 and lesson 5: what Python's import system does with the examples'
modules, each in a fresh interpreter over a temporary tree."""

import subprocess
import sys

import pytest

from conftest import example, example_files, lesson


def run_python(tmp_path, files, code):
    for path, text in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    for package in ("apps", "apps/blog"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)


@pytest.mark.parametrize("kind,imports", [("bug", False), ("solution", True)])
def test_lesson5_services_import(kind, imports, tmp_path):
    result = run_python(tmp_path, lesson("5-package-shadowing")[kind], "import apps.blog.signals")
    if imports:
        assert result.returncode == 0, result.stderr
    else:  # the package shadows services.py: its class cannot be imported
        assert "ImportError: cannot import name 'BlockAutoPopulationService'" in result.stderr


@pytest.mark.parametrize("kind,imports", [("bad", False), ("fixed", True)])
def test_imp001_module_beside_package(kind, imports, tmp_path):
    code = "from apps.blog.services import BlockAutoPopulationService, BlogCacheService"
    result = run_python(tmp_path, example_files("IMP001", kind), code)
    assert (result.returncode == 0) is imports, result.stderr
    if not imports:
        assert "cannot import name 'BlockAutoPopulationService'" in result.stderr


@pytest.mark.parametrize("kind", ["bad", "fixed"])
def test_imp002_unknown_name(kind, tmp_path):
    code = """
import warnings
warnings.simplefilter("ignore")
import enums_shim
from django.db.models.enums import ChoicesType
assert enums_shim.ChoicesMeta is ChoicesType
print(hasattr(enums_shim, "Typo"))
try:
    from enums_shim import Typo
    print(repr(Typo))
except ImportError:
    print("ImportError")
"""
    result = run_python(tmp_path, {"enums_shim.py": example("IMP002", kind)}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == (["True", "None"] if kind == "bad" else ["False", "ImportError"])


@pytest.mark.parametrize("kind,exported", [("bad", False), ("fixed", True)])
def test_imp003_star_import(kind, exported, tmp_path):
    files = {
        "apps/blog/services/__init__.py": example("IMP003", kind),
        "apps/blog/services/blog_cache_service.py": "class BlogCacheService:\n    pass\n",
        "apps/blog/block_services.py": "class BlockAutoPopulationService:\n    pass\n",
    }
    code = "from apps.blog.services import *\nprint('BlockAutoPopulationService' in dir())"
    result = run_python(tmp_path, files, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(exported)]
