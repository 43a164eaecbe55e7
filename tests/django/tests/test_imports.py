"""Lesson 5 (IMP001): which file `from .services import ...` reaches, in a fresh interpreter."""

import subprocess
import sys

import pytest

from conftest import lesson


@pytest.mark.parametrize("kind,imports", [("bug", False), ("solution", True)])
def test_lesson5_services_import(kind, imports, tmp_path):
    for path, code in lesson("5-package-shadowing")[kind].items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code)
    for package in ("apps", "apps/blog"):
        (tmp_path / package / "__init__.py").touch()
    result = subprocess.run([sys.executable, "-c", "import apps.blog.signals"], cwd=tmp_path,
                            capture_output=True, text=True)
    if imports:
        assert result.returncode == 0, result.stderr
    else:  # the package shadows services.py: its class cannot be imported
        assert "ImportError: cannot import name 'BlockAutoPopulationService'" in result.stderr
