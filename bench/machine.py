"""The machine's speed today, measured the same way in every benchmark.

These shared 2-core machines run at anything from about half to full speed from one hour to
the next, so every benchmark also measures Kiwi's analysis speed (one thread, about 100 real
post bodies) and prints its figures scaled to the brief's reference machine (85k chars/s).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REFERENCE_KIWI_CHARS_PER_S = 85_000
"""Kiwi's speed per thread on the brief's reference machine."""


def machine_speed(posts_dir: Path) -> float:
    """Kiwi characters/s (one thread) on about 100 bodies: the machine's speed today."""
    code = (
        "import time\n"
        "from sokbo.indexer.reader import iter_post_files, read_post\n"
        "from sokbo.indexer.site import Site\n"
        "from sokbo.search.analysis import get_kiwi\n"
        f"files = iter_post_files({str(posts_dir)!r})\n"
        "files = files[:: max(1, len(files) // 100)]\n"
        "texts = [r.post.body for r in (read_post(f, Site()) for f in files) if r.post]\n"
        "kiwi = get_kiwi()\n"
        "kiwi.tokenize(texts[0], z_coda=False)\n"
        "started = time.perf_counter()\n"
        "for t in texts: kiwi.tokenize(t, z_coda=False)\n"
        "print(sum(map(len, texts)) / (time.perf_counter() - started))\n"
    )
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def speed_factor(posts_dir: Path) -> float:
    """Print and return the machine's speed as a fraction of the reference (1.0 when ``posts_dir``
    is absent: figures are then printed unscaled)."""
    if not posts_dir.is_dir():
        print(f"machine: speed not measured ({posts_dir} is absent); 'reference speed' figures are unscaled")
        return 1.0
    speed = machine_speed(posts_dir)
    factor = speed / REFERENCE_KIWI_CHARS_PER_S
    print(f"machine: Kiwi {speed:,.0f} chars/s = {factor:.2f}x the reference machine's 85k chars/s")
    return factor
