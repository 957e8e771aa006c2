"""A first run that just works: sokbo builds without a warning, its wheel holds the web app's
files, and the demo indexes where the `sokbo` commands look.

``pip install -e .`` (scripts/_venv.sh, so every ``./scripts/demo``) relays the build
backend's warnings to the terminal. These tests call setuptools' PEP 517 hooks as pip does,
with the venv's own setuptools on a copy of the project (no index, no network), and fail on
any warning, so a packaging change that would make the demo noisy fails here first.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile

import pytest

from .conftest import ROOT

SOURCES = ["pyproject.toml", "README.md", "sokbo", "search", "indexer", "web"]
"""What a build of sokbo reads (pyproject.toml's packages, package-dir and readme)."""

INFORMATION_ONLY = "Editable installation."
"""setuptools' note on every editable install with mapped package folders (search/ →
sokbo.search): not a problem to fix, and scripts/_venv.sh filters it out by this text."""

_BUILD = """
import json, sys, warnings
from setuptools import build_meta
out, report = sys.argv[1], sys.argv[2]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    wheel = build_meta.build_wheel(out)
    editable = build_meta.build_editable(out)
warned = [f"{w.category.__name__}: {w.message}" for w in caught]
with open(report, "w", encoding="utf-8") as f:
    json.dump({"wheel": wheel, "editable": editable, "warnings": warned}, f)
"""


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Build a wheel and an editable wheel of a copy of the project; what the hooks returned and warned."""
    tmp = tmp_path_factory.mktemp("packaging")
    project, out, report = tmp / "project", tmp / "dist", tmp / "report.json"
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            project.mkdir(exist_ok=True)
            shutil.copy(src, project / name)
    out.mkdir()
    done = subprocess.run([sys.executable, "-c", _BUILD, str(out), str(report)], cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(report.read_text(encoding="utf-8"))
    result["dist"] = out
    return result


def test_building_sokbo_warns_of_nothing(build: dict) -> None:
    warned = [w for w in build["warnings"] if not w.split(": ", 1)[-1].startswith(INFORMATION_ONLY)]
    assert [w.splitlines()[0] for w in warned] == []


def test_the_wheel_holds_the_packages_templates_and_static_files(build: dict) -> None:
    names = set(zipfile.ZipFile(build["dist"] / build["wheel"]).namelist())
    for expected in ["sokbo/__init__.py", "sokbo/search/pipeline.py", "sokbo/indexer/cli.py", "sokbo/web/__init__.py"]:
        assert expected in names
    for folder in ["templates", "static"]:
        files = sorted(p.relative_to(ROOT / "web").as_posix() for p in (ROOT / "web" / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        assert files and {f"sokbo/web/{f}" for f in files} <= names, folder
    assert not any(n.startswith(("search/", "web/", "indexer/", "tests/")) for n in names)


def test_the_demo_indexes_where_the_sokbo_commands_look() -> None:
    """After ``./scripts/demo``, the README's ``sokbo search 대통령`` reads the demo's index."""
    from sokbo.search.config import DEFAULT_INDEX_DIR

    demo = (ROOT / "scripts" / "demo").read_text(encoding="utf-8")
    assert f'index_dir="${{SOKBO_INDEX:-{DEFAULT_INDEX_DIR}}}"' in demo
    assert f"into `./{DEFAULT_INDEX_DIR}`" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{DEFAULT_INDEX_DIR}/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
