from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("networks/", views.networks, name="networks"),
    path("networks/new/", views.network_edit, name="network-create"),
    path("networks/<slug:slug>/", views.network_detail, name="network"),
    path("networks/<slug:slug>/edit/", views.network_edit, name="network-edit"),
    path("networks/<slug:slug>/members/add/", views.membership_add, name="membership-add"),
    path("networks/<slug:slug>/members/import/", views.membership_import, name="membership-import"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts/new/", views.cohort_edit, name="cohort-create"),
    path("cohorts/<slug:slug>/", views.cohort_detail, name="cohort"),
    path("cohorts/<slug:slug>/edit/", views.cohort_edit, name="cohort-edit"),
    path("cohorts/<slug:slug>/members/add/", views.cohort_member_add, name="cohort-member-add"),
    path("cohorts/<slug:slug>/members/import/", views.cohort_import, name="cohort-import"),
    path(
        "cohort-members/<int:pk>/remove/", views.cohort_member_remove, name="cohort-member-remove"
    ),
    path("heads/import/", views.heads_import, name="heads-import"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/edit/", views.region_edit, name="edit"),
    path("<str:code>/contacts/add/", views.contact_edit, name="contact-add"),
    path("<str:code>/contacts/<int:pk>/", views.contact_edit, name="contact-edit"),
    path("<str:code>/contacts/<int:pk>/delete/", views.contact_delete, name="contact-delete"),
    path("<str:code>/heads/add/", views.head_edit, name="head-add"),
    path("<str:code>/heads/<int:pk>/", views.head_edit, name="head-edit"),
]
