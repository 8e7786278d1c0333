"""Tests of the front door and the pipeline it runs: loading, the schema, resolving, the checks, --fix, bounds, output files."""
