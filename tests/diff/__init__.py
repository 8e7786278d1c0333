"""Tests of planforge diff (planforge.diff)."""
