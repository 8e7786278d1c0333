"""The diff stage: what changed between two versions of a plan, in a planner's terms.

``sources`` reads each side (a file, or ``REV:path`` through ``git show``) and runs
it through load → check → resolve; ``compare`` matches the resolved plans by id
(budget lines by ``id``, else by category and item) and lists the changes;
``report`` prints them as text or as versioned JSON. Each change carries the
gates it trips (``--fail-on``).
"""

from planforge.diff.compare import GATES, Change, Diff, compare

__all__ = ["GATES", "Change", "Diff", "compare"]
