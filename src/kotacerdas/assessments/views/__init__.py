"""Pages of the assessments app: ``manage`` for running cycles, ``public`` for results."""
