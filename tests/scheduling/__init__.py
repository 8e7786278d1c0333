"""Tests of the schedule stage (planforge.schedule): durations, dependencies, calendars."""
