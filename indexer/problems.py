"""What went wrong with a post file, said so that an editor can find and fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["warning", "error"]


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
        """The problem in ``--json`` output."""
        return {"path": self.path, "line": self.line, "severity": self.severity, "message": self.message}

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


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

    def record(self, path: Path, problems: list[Problem], read: bool, recovered: bool, skipped: str | None) -> None:
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
