"""Read replicas: copy an index folder to another (on this machine or another) that a second
``sokbo serve`` reads, in an order whose every step that server sees whole.

Files in an index folder are never changed once written (except three small ones replaced
atomically): a commit adds segment files (``MAIN_*.seg``) and a new table of contents
(``_MAIN_N.toc``, which names the segments) to the live generation and replaces its
``sokbo.json`` (which records every file of the commit) and ``manifest.json``; a full rebuild
adds a generation folder and replaces ``CURRENT``. So a copy made in this order is whole at
every step:

1. **segments**: every file but the ones below. Nothing names them yet: a reader of the copy
   does not look at them.
2. **commits**: the tables of contents, ``sokbo.json`` and ``manifest.json`` of each
   generation. Each names only segments copied in step 1; a reader follows the live
   generation to its new commit.
3. **current**: ``CURRENT``: a generation built since the last copy goes live, whole.
4. **prune**: remove what the source no longer has (merged segments, old tables of contents,
   the generations a rebuild dropped). A reader that had them open keeps reading its open
   files; when step 3 switched generations, this waits :data:`SWITCH_GRACE_S` first, so a
   server that looked at ``CURRENT`` just before the switch has looked again.

Each file lands whole: rsync writes a temporary dot-file (which neither sokbo nor Whoosh ever
reads) and renames it. The source's writer lock is held from the first step to the last, so
no commit is copied half-made and none lands between the copy and the removal. Excluded both
ways: ``LOCK``, temporary files (``*.tmp``) and ``DAMAGED`` notes (a replica's server leaves
its own; see :data:`~sokbo.search.store.DAMAGED`).

Example:
    >>> done = replicate("/srv/sokbo-index", "replica1:/srv/sokbo-index")   # doctest: +SKIP
    >>> done.line()                                                          # doctest: +SKIP
    'replica1:/srv/sokbo-index serves gen-000003 (its CURRENT switched to it): 9 files copied, 4 removed in 2.1 s'
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

from .service import RELOAD_CHECK_SECONDS
from .store import CURRENT, DAMAGED, LOCK, MANIFEST, META, IndexStore, Notify, ignore

SWITCH_GRACE_S = RELOAD_CHECK_SECONDS + 1.0
"""How long to wait between switching a copy's ``CURRENT`` and removing the generation it
named: a server looks at ``CURRENT`` at most :data:`RELOAD_CHECK_SECONDS` before a search, so
after this no search starts on a removed generation."""

STEPS = ("segments", "commits", "current", "prune")
"""The steps of a copy, in their order (see the module's docstring)."""

_NEVER = [f"/{LOCK}", "*.tmp", DAMAGED, "_MAIN_*.toc.*", ".*"]
"""Neither copied nor removed: the writer's lock, files being written (sokbo's ``*.tmp``,
Whoosh's ``_MAIN_N.toc.<random>``, rsync's dot-files) and a replica's own damage notes;
except in a folder being removed (rsync's perishable rules: ``-p``), which they would keep."""
_COMMITS = ["_MAIN_*.toc", META, MANIFEST]
"""A generation's files that make a commit visible (step 2)."""


class ReplicateError(RuntimeError):
    """The copy could not be made: no rsync, no index in the source, rsync failed."""


@dataclass(frozen=True)
class Replicated:
    """What one copy did."""

    dest: str
    generation: str
    """The live generation of the source, and now of the copy."""
    copied: int
    removed: int
    switched: bool
    """Whether the copy's ``CURRENT`` changed (a full rebuild since the last copy, or a first copy)."""
    seconds: float

    def line(self) -> str:
        """One line for the operator."""
        switched = " (its CURRENT switched to it)" if self.switched else ""
        return (
            f"{self.dest} serves {self.generation}{switched}: {self.copied} files copied, "
            f"{self.removed} removed in {self.seconds:.1f} s"
        )


def replicate(
    source: str | os.PathLike[str],
    dest: str,
    *,
    notify: Notify | None = None,
    progress: Callable[[str], None] | None = None,
) -> Replicated:
    """Copy the index folder ``source`` to ``dest`` (a folder, or ``[user@]host:folder`` as
    rsync takes it) in the order of the module's docstring, waiting for a run that is writing
    ``source``; ``progress`` is called with each step's name (:data:`STEPS`) once it is done.

    Raises :class:`ReplicateError` when there is no rsync, ``source`` has no whole live
    generation (nothing is copied then), or rsync fails.
    """
    if shutil.which("rsync") is None:
        raise ReplicateError("sokbo replicate copies with rsync, which is not installed (apt-get install rsync)")
    progress = progress or ignore
    store = IndexStore(source)
    if not (store.root / CURRENT).exists():  # before the lock, which would leave a LOCK file
        raise ReplicateError(f"nothing copied: no sokbo index in {source}")
    src = str(store.root).rstrip("/") + "/"
    dst = dest.rstrip("/") + "/"
    started = time.monotonic()
    with store.lock(wait=True, notify=notify, holder="sokbo replicate"):
        live, problem = store.pointer()
        if live is not None:
            problem = store.check(live)
        if problem is not None:  # the copy's server would fall back, or answer 503s
            raise ReplicateError(f"nothing copied: the live generation of {source} is not whole ({problem}): `sokbo index` rebuilds it")
        if live is None:
            raise ReplicateError(f"nothing copied: no sokbo index in {source}")
        never = [f"--filter=-p {pattern}" for pattern in _NEVER]
        copied = _files(_rsync(*never, f"--exclude=/{CURRENT}", *(f"--exclude={p}" for p in _COMMITS), src, dst))
        progress("segments")
        commits = [f"--include=/gen-*/{p}" for p in _COMMITS]
        # --checksum: sokbo.json is replaced at each commit, perhaps within the same second and size.
        copied += _files(_rsync("--checksum", *never, "--include=/gen-*/", *commits, "--exclude=*", src, dst))
        progress("commits")
        switched = _files(_rsync("--checksum", str(store.root / CURRENT), dst))
        progress("current")
        if switched:
            time.sleep(SWITCH_GRACE_S)
        removed = _deleted(_rsync("--delete", "--existing", "--ignore-existing", *never, src, dst))
        progress("prune")
    return Replicated(dest, live, copied, removed, bool(switched), time.monotonic() - started)


def _rsync(*args: str) -> list[str]:
    """Run rsync (recursive, keeping modification times, itemizing what it changed); its lines."""
    command = ["rsync", "--recursive", "--times", "--itemize-changes", *args]
    done = subprocess.run(command, capture_output=True, text=True, errors="replace", check=False)
    if done.returncode != 0:
        said = " ".join(done.stderr.split())[-500:] or "no message"
        raise ReplicateError(f"rsync failed with exit code {done.returncode}: {said}")
    return done.stdout.splitlines()


def _files(lines: list[str]) -> int:
    """How many files rsync's itemized ``lines`` say it sent (``>f…`` locally, ``<f…`` to a host)."""
    return sum(1 for line in lines if line[:1] in "<>" and line[1:2] == "f")


def _deleted(lines: list[str]) -> int:
    """How many files rsync's itemized ``lines`` say it removed (folders not counted)."""
    return sum(1 for line in lines if line.startswith("*deleting") and not line.endswith("/"))

