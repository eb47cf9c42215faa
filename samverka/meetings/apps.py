from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "samverka.meetings"
    verbose_name = _("Meetings and decisions")

    def ready(self) -> None:
        from samverka.agreements import steering, wheel
        from samverka.audit.recorder import Scope, register
        from samverka.meetings import services
        from samverka.meetings.models import Action, AgendaItem, Decision, Meeting
        from samverka.tenancy.access import Visibility

        def of_meeting(obj: object) -> Scope:
            meeting = obj if isinstance(obj, Meeting) else obj.meeting  # type: ignore[attr-defined]
            return Scope(agreement_id=meeting.forum.agreement_id, visibility=Visibility.SHARED)

        for model in (Meeting, AgendaItem, Decision, Action):
            register(model, scope=of_meeting)
        steering.register(services.SteeringGroup())
        wheel.USER_SOURCES.append(services.wheel_items)
