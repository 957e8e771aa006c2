"""What went wrong with a post file, said so that an editor can find and fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
