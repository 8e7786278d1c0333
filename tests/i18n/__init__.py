"""Tests of messages in the planner's language (planforge.messages, planforge.i18n, the catalogs)."""
