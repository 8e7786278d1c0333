"""Printed sizes shared by the pages' builder (:mod:`planforge.render.view`) and the
printer (:mod:`planforge.render.pdf`, which balances the Gantt's pages by them).

Kept apart from the view so that the printer process, which waits for nothing else
once WeasyPrint is imported, does not import the plan model and the review with it.
"""

from __future__ import annotations

#: Row and header heights (mm). The chart prints as one SVG per page of
#: :data:`PAGE_ROWS` rows (what fits a landscape page under the heading and legend),
#: each with the header repeated: about 2.5 times faster to print than a table whose
#: every row is its own SVG (300 tasks: 1.3 s against 3.3 s for the chart alone).
ROW_MM, HEAD_MM, PAGE_ROWS = 4.4, 7.0, 33
