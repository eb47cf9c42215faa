from django.urls import path

from samverka.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("ny/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/mal/nytt/", views.goal_edit, name="goal_add"),
    path("<int:pk>/mal/<int:goal_pk>/", views.goal_edit, name="goal_edit"),
    path("<int:pk>/mal/<int:goal_pk>/varde/", views.reading_add, name="reading_add"),
    path("<int:pk>/atgarder/ny/", views.measure_edit, name="measure_add"),
    path("<int:pk>/atgarder/<int:measure_pk>/", views.measure_detail, name="measure"),
    path("<int:pk>/atgarder/<int:measure_pk>/andra/", views.measure_edit, name="measure_edit"),
    path("<int:pk>/ansvar/", views.matrix, name="matrix"),
    path("<int:pk>/tidslinje/", views.timeline, name="timeline"),
    path("<int:pk>/uppfoljning/", views.follow_up_create, name="follow_up_create"),
    path("<int:pk>/uppfoljning/<int:follow_up_pk>/", views.follow_up_detail, name="follow_up"),
    path(
        "<int:pk>/uppfoljning/<int:follow_up_pk>/skicka/",
        views.follow_up_send,
        name="follow_up_send",
    ),
    path(
        "<int:pk>/uppfoljning/<int:follow_up_pk>/uppfoljning.pdf",
        views.follow_up_pdf,
        name="follow_up_pdf",
    ),
    path(
        "<int:pk>/uppfoljning/<int:follow_up_pk>/uppfoljning.docx",
        views.follow_up_docx,
        name="follow_up_docx",
    ),
]
