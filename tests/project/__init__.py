"""Tests of repository-wide: the import graph, packaging, the GitHub Action, the pre-commit hook, the README, ./dev."""
