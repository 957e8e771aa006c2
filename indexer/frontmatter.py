"""Split a post into its YAML front matter and its body, recovering front matter YAML rejects.

Real posts carry front matter that strict YAML refuses: a title starting with ``[올림픽]``
(YAML reads the start of a list), an unquoted ``: `` inside a value, a title that runs on over
several unindented lines, tabs. Jekyll would drop such front matter; the indexer must not lose
the post, so it reads those fields again line by line and reports a warning pointing at the
line YAML stumbled on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import frontmatter
import yaml

from sokbo.indexer.limits import MAX_FRONT_MATTER_BYTES, MAX_FRONT_MATTER_DEPTH, MAX_FRONT_MATTER_VALUES
from sokbo.indexer.problems import Problem

__all__ = ["FrontMatter", "parse_front_matter", "read_front_matter"]

TITLE_EXTRA = "title_extra"
"""Key under which recovery puts the lines that ran on after a title's first line."""

_BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY
"""The ``---`` line as python-frontmatter finds it, so both split the text the same way."""

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$")
"""A ``key: value`` line (also ``key:`` alone) as recovery reads it; applied at column 0."""

_BLOCK_SCALAR = re.compile(r"([|>])[+-]?[1-9]?[+-]?(?:[ \t]+#.*)?$")

_CULPRIT_IN_CONTEXT = ("while scanning a simple key", "while scanning a quoted scalar")
"""YAML errors whose *context* mark points at the offending line; for the others the
*problem* mark does (for a simple key, the problem mark is already on the next line)."""


@dataclass
class FrontMatter:
    """A post file split into front matter and body."""

    data: dict[str, Any]
    """The front-matter keys; after recovery values are strings or lists of strings, and a
    title that ran on over several lines keeps its first line, the rest under ``title_extra``."""
    body: str
    problems: list[Problem] = field(default_factory=list)
    recovered: bool = False
    """True when strict YAML rejected the front matter and it was read line by line."""
    key_lines: dict[str, int] = field(default_factory=dict)
    """1-based line in the file of each top-level key, to point problems at."""
    start_line: int = 1
    """1-based line of the opening ``---`` (or of the first text when there is none)."""
    missing: bool = False
    """True when the text does not start with a ``---`` line: it has no front matter at all."""


def parse_front_matter(text: str, path: str) -> tuple[dict[str, Any], str, list[Problem]]:
    """Return the front matter, the body and the problems of the post file text ``text``.

    ``path`` only names the file in problems. See :func:`read_front_matter`.
    """
    result = read_front_matter(text, path)
    return result.data, result.body, result.problems


def read_front_matter(text: str, path: str) -> FrontMatter:
    """Split ``text`` (a whole post file) into front matter and body; never raises.

    A byte-order mark and CRLF line ends are accepted. Text without front matter is all body
    (with a warning, and ``missing`` set). Front matter that strict YAML rejects is recovered
    line by line (see :func:`_recover`) with a warning carrying the line YAML stumbled on.
    Front matter over the size limit, or whose YAML aliases expand past the limit on values,
    gives an error and no data (see :mod:`~sokbo.indexer.limits`).
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.strip()
    # python-frontmatter strips the text first: count what it removed to keep line numbers.
    first_line = 1 + text[: len(text) - len(text.lstrip())].count("\n")
    opening = _BOUNDARY.match(stripped)
    if opening is None:
        message = "no front matter (the file does not start with a '---' line)"
        problems = [Problem(path, first_line, message)]
        return FrontMatter({}, stripped, problems, start_line=first_line, missing=True)
    closing = _BOUNDARY.search(stripped, opening.end())
    if closing is None:
        message = "front matter opened here is never closed by a '---' line; read as body"
        problems = [Problem(path, first_line, message)]
        return FrontMatter({}, stripped, problems, start_line=first_line)

    block = stripped[opening.end() : closing.start()]
    size = len(block.encode("utf-8", errors="surrogatepass"))
    if size > MAX_FRONT_MATTER_BYTES:
        message = f"front matter of {size / 1024:,.0f} KB, over the limit of {MAX_FRONT_MATTER_BYTES // 1024} KB: not indexed"
        return FrontMatter({}, "", [Problem(path, first_line, message, "error")], start_line=first_line)
    # The file line of the block's line 0, what remains of the opening `---` line: YAML counts
    # its error lines from there.
    block_line = first_line + stripped[: opening.end()].count("\n")
    body = stripped[closing.end() :].strip()
    lines = [(block_line + n, line) for n, line in enumerate(block.split("\n"))]
    key_lines: dict[str, int] = {}
    for number, line in lines:
        match = _KEY.match(line)
        if match:
            key_lines.setdefault(match.group(1), number)

    try:
        data = frontmatter.loads(stripped).metadata
    except yaml.YAMLError as error:
        line, reason = _locate(error, block_line), _describe(error)
    except (ValueError, TypeError, OverflowError) as error:
        # A value YAML recognises but cannot build, such as the date 2024-13-45.
        line, reason = block_line + 1, str(error)
    else:
        refusal = _too_large(data)
        if refusal is not None:
            problems = [Problem(path, first_line, f"front matter {refusal}: not indexed", "error")]
            return FrontMatter({}, "", problems, start_line=first_line)
        if data or not any(_is_content(line) for _, line in lines):
            data = {str(key): value for key, value in data.items()}
            return FrontMatter(data, body, key_lines=key_lines, start_line=first_line)
        line, reason = block_line + 1, "it is not a mapping of keys to values"

    message = f"front matter is not valid YAML ({reason}); fields recovered line by line"
    problems = [Problem(path, line, message)]
    recovered = _recover(lines)
    return FrontMatter(recovered, body, problems, True, key_lines, first_line)


def _too_large(data: Any) -> str | None:
    """Say why parsed front matter is too large to read, or None.

    YAML aliases (``*name``) make the parser share one object wherever the alias appears, which
    costs nothing; reading the values (categories, text) visits every appearance, which is
    what a 503-byte "billion laughs" turns into 387 million. So the values are counted as
    reading would visit them, and counting stops at :data:`MAX_FRONT_MATTER_VALUES` (an alias
    of a list inside itself never ends, and is stopped the same way). Without a stack of our
    own, lists nested a thousand deep (as far as the parser goes) would exhaust Python's.
    """
    budget = MAX_FRONT_MATTER_VALUES
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        budget -= 1
        if budget < 0:
            return f"holds more than {MAX_FRONT_MATTER_VALUES:,} values once its YAML aliases (*name) are expanded"
        if isinstance(value, dict):
            children: Any = [*value.keys(), *value.values()]
        elif isinstance(value, (list, tuple, set)):
            children = value
        else:
            continue
        if depth >= MAX_FRONT_MATTER_DEPTH:
            return f"nests lists or mappings more than {MAX_FRONT_MATTER_DEPTH} deep"
        stack.extend((child, depth + 1) for child in children)
    return None


def _locate(error: yaml.YAMLError, block_line: int) -> int | None:
    """Return the 1-based file line of a YAML error in a block starting at ``block_line``."""
    context = getattr(error, "context", None) or ""
    marks = [getattr(error, "problem_mark", None), getattr(error, "context_mark", None)]
    if context.startswith(_CULPRIT_IN_CONTEXT):
        marks.reverse()
    for mark in marks:
        if mark is not None:
            return block_line + mark.line
    return None


def _describe(error: yaml.YAMLError) -> str:
    """Return the YAML error in one line, without the marks (the Problem carries the line)."""
    parts = [getattr(error, "context", None), getattr(error, "problem", None)]
    return ": ".join(part for part in parts if part) or str(error).splitlines()[0]


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


@dataclass
class _Entry:
    """One top-level key being recovered, with the lines that belong to it."""

    key: str
    value: str
    indented: list[str] = field(default_factory=list)
    """Indented lines after the key line ("" for blank lines inside them)."""
    items: list[str] = field(default_factory=list)
    """``- item`` lines at column 0 after an empty ``key:``."""
    continued: list[str] = field(default_factory=list)
    """Unindented lines that are not keys: the value ran on where YAML does not allow it."""


def _recover(lines: list[tuple[int, str]]) -> dict[str, Any]:
    """Read front-matter fields line by line, the way their author meant them.

    A ``key: value`` line at column 0 starts a key. Its value may be plain or quoted, a folded
    or literal block scalar (``>``, ``|``, ``>-`` with the indented lines after it), a list of
    ``- item`` lines or a flow list ``[a, b]``. An unindented line that is not a key continues
    the previous key: for ``title`` only the first line stays the title and the rest goes to
    ``title_extra``; other values are joined with a space. A key line indented by tabs (which
    YAML never accepts as indentation) still starts a key after a plain value or a list.
    """
    entries: list[_Entry] = []
    for _, line in lines:
        key = _KEY.match(line.lstrip("\t"))
        if key and (not line[:1].isspace() or _stray_tab(line, entries)):
            entries.append(_Entry(key.group(1), key.group(2) or ""))
        elif not entries or line.startswith("#"):
            continue
        elif not line.strip() or line[:1].isspace():
            entries[-1].indented.append(line.rstrip())
        elif not entries[-1].value and not entries[-1].continued and _is_item(line):
            entries[-1].items.append(line)
        else:
            entries[-1].continued.append(line.strip())

    data: dict[str, Any] = {}
    for entry in entries:
        value = _value(entry)
        if entry.continued and entry.key == "title":
            data[TITLE_EXTRA] = "\n".join(entry.continued)
        elif entry.continued and isinstance(value, list):
            value[-1:] = [" ".join([*value[-1:], *entry.continued])]
        elif entry.continued:
            value = " ".join(part for part in [value, *entry.continued] if part)
        data[entry.key] = value
    return data


def _stray_tab(line: str, entries: list[_Entry]) -> bool:
    """Tell whether a tab-indented ``key:`` line starts a key: it does after a plain value or a
    list, where it cannot continue the previous value (it could in a block scalar)."""
    if not line.startswith("\t"):
        return False
    if not entries:
        return True
    previous = entries[-1]
    if previous.value:
        return not _BLOCK_SCALAR.match(previous.value)
    filled = [inner for inner in previous.indented if inner]
    return bool(filled) and all(map(_is_item, filled))


def _value(entry: _Entry) -> str | list[str]:
    """Return the value of a recovered key from its own line and its indented lines."""
    inner = _dedent(entry.indented)
    block = _BLOCK_SCALAR.match(entry.value)
    if block:
        return _block_scalar(inner, folded=block.group(1) == ">")
    filled = [line for line in inner if line]
    if not entry.value and (entry.items or filled) and all(map(_is_item, entry.items + filled)):
        return [_unquote(item.lstrip()[1:].strip()) for item in entry.items + filled]
    if entry.value.startswith("[") and entry.value.endswith("]") and not filled:
        inside = entry.value[1:-1]
        return [_unquote(item.strip()) for item in inside.split(",") if item.strip()]
    return _unquote(" ".join([entry.value, *(line.strip() for line in filled)]).strip())


def _block_scalar(lines: list[str], *, folded: bool) -> str:
    """Return a ``|`` (literal) or ``>`` (folded) block scalar's text, trailing breaks chomped."""
    if not folded:
        return "\n".join(lines).strip()
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n".join(" ".join(paragraph) for paragraph in paragraphs if paragraph)


def _dedent(lines: list[str]) -> list[str]:
    """Remove the common indentation (spaces or tabs) of ``lines``, keeping blank ones as ""."""
    depths = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    depth = min(depths, default=0)
    return [line[depth:] if line.strip() else "" for line in lines]


def _is_item(line: str) -> bool:
    stripped = line.lstrip()
    return stripped == "-" or stripped.startswith(("- ", "-\t"))


def _unquote(value: str) -> str:
    """Return a YAML scalar without its quotes; double-quoted escapes are decoded."""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return str(yaml.safe_load(value))
        except yaml.YAMLError:
            return value[1:-1]
    return value
