"""Tests of diagnostic reports in every format (planforge.reporters)."""
