from django.urls import path

from samverka.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("ny/", views.agreement_create, name="create"),
    path("importera/", views.agreement_import, name="import"),
    path("importera/granska/", views.agreement_import_review, name="import_review"),
    path("importera/<int:pk>/", views.agreement_import_reading, name="import_reading"),
    path("arshjul/", views.cycle_all, name="cycle_all"),
    path("oversikt/", views.national_overview, name="overview"),
    path("arshjul.ics", views.cycle_all_ics, name="cycle_all_ics"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/andra/", views.agreement_edit, name="edit"),
    path("<int:pk>/forslag/<int:proposal_pk>/", views.proposal_detail, name="proposal_detail"),
    path(
        "<int:pk>/forslag/<int:proposal_pk>/svara/", views.proposal_answer, name="proposal_answer"
    ),
    path(
        "<int:pk>/forslag/<int:proposal_pk>/dra-tillbaka/",
        views.proposal_withdraw,
        name="proposal_withdraw",
    ),
    path("<int:pk>/overenskommelse.pdf", views.agreement_pdf, name="pdf"),
    path("<int:pk>/overenskommelse.docx", views.agreement_docx, name="docx"),
    path("<int:pk>/underteckna/", views.agreement_sign, name="sign"),
    path("<int:pk>/forlang/", views.agreement_extend, name="extend"),
    path("<int:pk>/ny-overenskommelse/", views.agreement_successor, name="successor"),
    path("<int:pk>/versioner/ny/", views.revision_create, name="revision_create"),
    path("<int:pk>/versioner/jamfor/", views.revision_compare, name="revision_compare"),
    path("<int:pk>/versioner/<int:number>/", views.revision_detail, name="revision_detail"),
    path("<int:pk>/arshjul/", views.cycle, name="cycle"),
    path("<int:pk>/arshjul.ics", views.cycle_ics, name="cycle_ics"),
    path("<int:pk>/arshjul/<int:duty_pk>/", views.duty_update, name="duty_update"),
    path("<int:pk>/forum/<int:forum_pk>/siffror/", views.forum_years, name="forum_years"),
    path("<int:pk>/<slug:kind>/ny/", views.part_edit, name="part_create"),
    path("<int:pk>/<slug:kind>/<int:part_pk>/", views.part_edit, name="part_edit"),
    path("<int:pk>/<slug:kind>/<int:part_pk>/ta-bort/", views.part_delete, name="part_delete"),
]
