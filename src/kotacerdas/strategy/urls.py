"""Pages of masterplans, mounted at /masterplans/: the plans and their versions, edits,
comments and diffs (views.plans), the DOCX and PDF files (views.exports), and the yearly
progress reports with their scorecard (views.progress)."""

from .views import exports, plans, progress

app_name = "strategy"

urlpatterns = [*plans.urlpatterns, *exports.urlpatterns, *progress.urlpatterns]
