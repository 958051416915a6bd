"""Assessment cycles, indicator values, composite-index results and readiness."""
