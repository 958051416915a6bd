"""Public pages of the library and what officers do with other regions' practices."""

urlpatterns: list = []
