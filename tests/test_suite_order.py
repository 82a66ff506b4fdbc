"""The order the xdist workers take the files in (tests/conftest.py `_longest_files_first`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.conftest import _longest_files_first


@dataclass
class _Item:
    nodeid: str
    markers: list[str] = field(default_factory=list)

    def iter_markers(self):
        return [getattr(pytest.mark, name).mark for name in self.markers]


def _files(items: list[_Item]) -> list[str]:
    order: list[str] = []
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path not in order:
            order.append(path)
    return order


def test_browser_files_go_first_then_slow_ones_most_tests_first_and_each_file_keeps_its_order():
    items = [
        _Item("tests/test_a.py::one"),
        _Item("tests/test_a.py::two"),
        _Item("tests/test_b.py::one", ["slow"]),
        _Item("tests/test_c.py::one", ["slow"]),
        _Item("tests/test_c.py::two"),  # one slow test makes the file slow
        _Item("tests/test_c.py::three", ["slow"]),
        _Item("tests/e2e/test_walk.py::one", ["e2e"]),
        _Item("tests/test_d.py::one"),
    ]
    _longest_files_first(items)
    assert _files(items) == [
        "tests/e2e/test_walk.py",
        "tests/test_c.py",
        "tests/test_b.py",
        "tests/test_a.py",
        "tests/test_d.py",
    ]
    assert [i.nodeid for i in items if i.nodeid.startswith("tests/test_c.py")] == [
        "tests/test_c.py::one",
        "tests/test_c.py::two",
        "tests/test_c.py::three",
    ]
