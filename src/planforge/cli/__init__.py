"""The ``planforge`` command: a thin layer over the front door.

Each command is one module here (``validate``, ``export``, ``render``, ``segment``,
``diff``, ``preview``, ``init``, ``schema``, ``rules``, ``explain``); what they share
is in :mod:`~planforge.cli.options` (options, language, exit codes) and
:mod:`~planforge.cli.output` (writing files and reports). A command opens plans
only through :mod:`planforge.frontdoor` and hands the result to an output writer
(reporters, export, render, diff, the tier list); it never calls the pipeline's
stages itself (``tests/project/test_architecture.py`` keeps it so). Nothing here imports
the rendering stack or the data engine at start-up, so ``validate`` stays fast.
"""

from __future__ import annotations

from planforge.cli.app import main
from planforge.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, GATES

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "GATES", "main"]

if __name__ == "__main__":  # pragma: no cover
    main()
