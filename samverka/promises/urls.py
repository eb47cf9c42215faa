from django.urls import path

from samverka.promises import views

app_name = "promises"
urlpatterns = [
    path("", views.promise_list, name="list"),
    path("nytt/", views.promise_create, name="create"),
    path("<int:pk>/", views.promise_detail, name="detail"),
    path("<int:pk>/andra/", views.promise_edit, name="edit"),
    path("<int:pk>/ataganden/nytt/", views.commitment_edit, name="commitment_add"),
    path("<int:pk>/ataganden/<int:commitment_pk>/", views.commitment_edit, name="commitment_edit"),
    path(
        "<int:pk>/ataganden/<int:commitment_pk>/ta-bort/",
        views.commitment_delete,
        name="commitment_delete",
    ),
    path("<int:pk>/importera/", views.promise_import, name="import"),
    path("<int:pk>/godkann/", views.promise_approve, name="approve"),
    path("<int:pk>/anta/", views.promise_adopt, name="adopt"),
    path("<int:pk>/publicera/", views.promise_publish, name="publish"),
    path("<int:pk>/uppfoljning/", views.follow_up, name="follow_up"),
    path("<int:pk>/avsluta/", views.promise_close, name="close"),
    path("<int:pk>/offentligt/", views.public, name="public"),
    path("<int:pk>/medborgarlofte.pdf", views.promise_pdf, name="pdf"),
    path("<int:pk>/medborgarlofte.docx", views.promise_docx, name="docx"),
]
