from django.urls import path

from samverka.situation import views

app_name = "situation"
urlpatterns = [
    path("", views.picture_list, name="list"),
    path("ny/", views.picture_create, name="create"),
    path("<int:pk>/", views.picture_detail, name="detail"),
    path("<int:pk>/sammanfattning/", views.summary_edit, name="summary"),
    path("<int:pk>/kallor/", views.sources_edit, name="sources"),
    path(
        "<int:pk>/kallor/<int:choice_pk>/ta-bort/",
        views.other_source_delete,
        name="other_source_delete",
    ),
    path("<int:pk>/underlag/ny/", views.input_edit, name="input_add"),
    path("<int:pk>/underlag/<int:input_pk>/", views.input_edit, name="input_edit"),
    path("<int:pk>/problem/nytt/", views.problem_edit, name="problem_add"),
    path("<int:pk>/problem/<int:problem_pk>/", views.problem_edit, name="problem_edit"),
    path("<int:pk>/problem/<int:problem_pk>/ta-bort/", views.problem_delete, name="problem_delete"),
    path(
        "<int:pk>/belagg/<int:evidence_pk>/ta-bort/", views.evidence_delete, name="evidence_delete"
    ),
    path("<int:pk>/fast/", views.pin, name="pin"),
    path("<int:pk>/faststall/", views.adopt, name="adopt"),
    path("<int:pk>/ny-version/", views.new_version, name="new_version"),
    path("<int:pk>/jamfor/", views.compare, name="compare"),
    path("<int:pk>/publicera/", views.publish, name="publish"),
    path("<int:pk>/lagesbild.pdf", views.picture_pdf, name="pdf"),
    path("<int:pk>/lagesbild.docx", views.picture_docx, name="docx"),
    path("publik/", views.public_list, name="public_list"),
    path("publik/<int:pk>/", views.public_summary, name="public"),
]
