"""What went wrong with a post file, said so that an editor can find and fix it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["warning", "error"]

_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNPRINTED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories escaped when printed: controls (a newline could forge a report line),
format characters (a right-to-left override disguises a name), lone surrogates (a file name's
bytes that are not UTF-8) and line and paragraph separators."""


def printable(text: str, *, path: bool = False) -> str:
    """Return ``text`` with every character that could break or disguise a line escaped.

    ``\\n`` for a newline, ``\\xNN`` for a byte of a file name that is not UTF-8 (what Python
    decoded it to), ``\\uNNNN`` for the rest. For a ``path`` a backslash is doubled too, so
    that an escaped name is never ambiguous.

    Example:
        >>> printable("_posts/x.md\\n_posts/FAKE.md:1: error: forged", path=True)
        '_posts/x.md\\\\n_posts/FAKE.md:1: error: forged'
    """
    if text.isprintable() and not (path and "\\" in text):
        return text
    return "".join(_escape(char, path) for char in text)


def _escape(char: str, path: bool) -> str:
    if char == "\\":
        return "\\\\" if path else char
    if char == " " or unicodedata.category(char) not in _UNPRINTED:
        return char
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape of a non-UTF-8 byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass(frozen=True)
class Problem:
    """One problem in one file.

    A ``warning`` means the post was still indexed (perhaps from recovered front matter); an
    ``error`` means it was not.

    Example:
        >>> str(Problem("_posts/2024-06-12-10.md", 2, "title is not valid YAML"))
        '_posts/2024-06-12-10.md:2: title is not valid YAML'
    """

    path: str
    line: int | None
    """1-based line in the file, or None when the problem is about the whole file."""
    message: str
    severity: Severity = "warning"

    def as_dict(self) -> dict[str, object]:
        """The problem in ``--json`` output, its path and message escaped as when printed."""
        return {"path": self.shown_path, "line": self.line, "severity": self.severity, "message": self.shown_message}

    @property
    def shown_path(self) -> str:
        """The path as printed: a name holding a newline cannot forge a line (see :func:`printable`)."""
        return printable(self.path, path=True)

    @property
    def shown_message(self) -> str:
        """The message as printed (it may quote a file's text)."""
        return printable(self.message)

    def where(self) -> str:
        """``path:line``, or the path alone, as printed."""
        return self.shown_path if self.line is None else f"{self.shown_path}:{self.line}"

    def __str__(self) -> str:
        return f"{self.where()}: {self.shown_message}"


@dataclass
class Tally:
    """What reading a folder of posts gave: counts and every problem (for index and check)."""

    recovered: int = 0
    skipped: int = 0
    failed: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every post could be indexed (some possibly recovered): exit code 0."""
        return self.failed == 0

    def record_listing(self, problems: list[Problem], failed: int, skipped: int) -> None:
        """Count what listing the folder left out (links out, unreadable folders, non-posts)."""
        self.problems.extend(problems)
        self.failed += failed
        self.skipped += skipped

    def record(self, path: str | Path, problems: list[Problem], read: bool, recovered: bool, skipped: str | None) -> None:
        """Count one file: read (perhaps recovered), skipped on purpose, or failed."""
        self.problems.extend(problems)
        if read:
            self.recovered += recovered
        elif skipped:
            self.skipped += 1
            self.problems.append(Problem(str(path), None, f"not indexed: {skipped}", "warning"))
        else:
            self.failed += 1

    def counts(self) -> dict[str, Any]:
        """The tally in ``--json`` output."""
        return {
            "recovered": self.recovered,
            "skipped": self.skipped,
            "failed": self.failed,
            "problems": [p.as_dict() for p in self.problems],
        }
