"""Writing, reviewing and importing practices."""

urlpatterns: list = []
