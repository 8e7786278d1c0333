"""The segmentation stage: tier rules over a CRM export, counts for the plan, the tier list.

``rules`` parses and checks rule text (sqlglot), ``source`` reads CSV/XLSX/Parquet,
``engine`` compiles rules to polars, ``plan`` and ``run`` fill the resolved plan,
``sql`` prints the segmentation for other engines, ``privacy`` masks personal
data and ``output`` writes the tier list. Needs the ``data`` extra
(``pip install planforge[data]``); nothing here is imported for plans without
``segmentation``.
"""
