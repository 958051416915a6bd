"""Pages of events: public pages (list, event and agenda, calendar files, certificate
verification), the secretariat's organising pages (event and agenda editing), delegation
management and the secretariat's desk (quotas, approval, dashboard, exports, certificates),
and the check-in page.

Fixed paths (``new/``, ``verify/``) come before the public ``<slug>/`` pages, so an event's
short name can never shadow them.
"""

from .views import checkin, manage, organise, public

app_name = "events"

urlpatterns = [
    *organise.urlpatterns,
    *checkin.urlpatterns,
    *manage.urlpatterns,
    *public.urlpatterns,
]
