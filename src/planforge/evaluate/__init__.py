"""Did the campaign work? Outcomes from data, a holdout group, lift with confidence.

* :mod:`~planforge.evaluate.plan`: the ``outcomes``, data ``measures``, the holdout
  and comparisons, read with the plan (headers only);
* :mod:`~planforge.segment.holdout`: who is held out (SHA-256 of ``salt:key``);
* :mod:`~planforge.evaluate.windows`: ``during:`` windows;
* :mod:`~planforge.evaluate.run`: the rows, with polars, per group;
* :mod:`~planforge.evaluate.stats`: lift, CIs, p-values and power (statsmodels);
* :mod:`~planforge.evaluate.compare`: which KPIs compare, and their lift;
* :mod:`~planforge.evaluate.report`: the JSON and the text report.

This package imports neither polars nor statsmodels at import time.
"""
