"""Tests of the command line (planforge.cli), settings (planforge.config) and `planforge init` (planforge.scaffold)."""
