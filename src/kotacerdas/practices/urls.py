from .views import manage, public

app_name = "practices"

# The workflow's fixed paths (manage/, adoptions/, attachments/) come before the public
# ``<slug>/`` pages so a practice's short name can never shadow them.
urlpatterns = [*manage.urlpatterns, *public.urlpatterns]
