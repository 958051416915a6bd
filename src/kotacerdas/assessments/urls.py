from .views import manage, public, readiness

app_name = "assessments"
urlpatterns = [*public.urlpatterns, *manage.urlpatterns, *readiness.urlpatterns]
