from .views import manage, public

app_name = "assessments"
urlpatterns = [*public.urlpatterns, *manage.urlpatterns]
