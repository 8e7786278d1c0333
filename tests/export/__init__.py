"""Tests of planforge export (planforge.export)."""
