"""The ``Example:`` blocks of the library's docstrings run, so the documentation stays true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import sokbo.indexer
import sokbo.search
import sokbo.web

MODULES = sorted(
    f"{package.__name__}.{info.name}"
    for package in (sokbo.search, sokbo.indexer, sokbo.web)
    for info in pkgutil.iter_modules(package.__path__)
    if info.name != "__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_of_each_module_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see above)"
