"""search/whoosh_internals.py: the one module that touches Whoosh's private names checks the version."""

from __future__ import annotations

import subprocess
import sys


def test_another_whoosh_fails_at_import_with_a_message_that_says_what_to_do() -> None:
    script = (
        "import whoosh; whoosh.__version__ = (2, 7, 5); whoosh.versionstring = lambda: '2.7.5'\n"
        "try:\n"
        "    import sokbo.search.whoosh_internals\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert "sokbo needs Whoosh 2.7.4 exactly" in out and "2.7.5 is installed" in out and "pip install" in out


def test_no_other_module_of_sokbo_touches_a_private_whoosh_name() -> None:
    """Private attributes of Whoosh objects (``._name``) appear in whoosh_internals.py only;
    codec.py subclasses Whoosh's codec and may use its parents' attributes on ``self``."""
    import re
    from pathlib import Path

    search = Path(__file__).resolve().parents[1] / "search"
    private = re.compile(r"\b(?:matcher|writer|leaf|reader|w|weighting|whoosh3)\._[a-z]")
    offenders = [
        f"{path.name}:{n}" for path in search.glob("*.py") if path.name != "whoosh_internals.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if private.search(line)
    ]
    assert offenders == []
