"""``python -m sokbo.indexer`` runs the ``sokbo`` command."""

from .cli import main

main()
