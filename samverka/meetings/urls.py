from django.urls import path

from samverka.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("forum/<int:forum_pk>/", views.forum_meetings, name="forum"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/protokoll/", views.minutes, name="minutes"),
    path("<int:pk>/narvaro/", views.present, name="present"),
    path("<int:pk>/dagordning/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/beslut/", views.decision_add, name="decision_add"),
    path("<int:pk>/atgarder/", views.action_add, name="action_add"),
    path("<int:pk>/atgarder/<int:action_pk>/klar/", views.action_done, name="action_done"),
    path("<int:pk>/protokoll.pdf", views.minutes_pdf, name="pdf"),
    path("<int:pk>/protokoll.docx", views.minutes_docx, name="docx"),
]
