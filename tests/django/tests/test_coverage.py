"""Every rule has its `bad` and `fixed` examples run by a test here, and every lesson its Bug
and Solution. A new rule or lesson fails this test until a test runs its code."""

import pathlib
import re

from conftest import ROOT, catalogue

HERE = pathlib.Path(__file__).parent
# Categories whose examples need not run (none today: the import rules run too).
NOT_RUN = set()


def source_of_tests():
    return "\n".join(p.read_text() for p in HERE.glob("test_*.py") if p.name != "test_coverage.py")


def test_every_framework_rule_has_its_examples_run():
    text = source_of_tests()
    run = set(re.findall(r'example(?:_files|_modules)?\("([A-Z]+[0-9]+)"', text))
    run |= {m for group in re.findall(r'parametrize\("rule", \[([^\]]*)\]', text)
            for m in re.findall(r'"([A-Z]+[0-9]+)"', group)}
    wanted = {rule_id for rule_id, rule in catalogue().items() if rule["category"] not in NOT_RUN}
    missing = sorted(wanted - run)
    assert not missing, f"no test in tests/django runs the examples of {', '.join(missing)}"


def test_every_lesson_is_run():
    text = source_of_tests()
    lessons = {p.stem for p in (ROOT / "web" / "lessons").glob("[0-9]*.md")}
    run = set(re.findall(r'lesson(?:_code)?\("([0-9][^"]*)"', text))
    missing = sorted(lessons - run)
    assert not missing, f"no test runs lesson {missing}"
