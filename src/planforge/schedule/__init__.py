"""The schedule stage of resolve: the working-day calendar, durations, dependencies,
the critical path and recurring tasks."""
