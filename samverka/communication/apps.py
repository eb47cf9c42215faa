from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    name = "samverka.communication"
    verbose_name = _("Communication plans")

    def ready(self) -> None:
        import datetime as dt
        from typing import Any

        from samverka.agreements import wheel
        from samverka.audit.recorder import Scope, register
        from samverka.communication.models import Activity, ActivityApproval, CommunicationPlan
        from samverka.tenancy.access import Visibility

        def of_plan(obj: object) -> Scope:
            if isinstance(obj, CommunicationPlan):
                agreement_id = obj.agreement_id
            elif isinstance(obj, Activity):
                agreement_id = obj.plan.agreement_id
            else:
                agreement_id = obj.activity.plan.agreement_id  # type: ignore[attr-defined]
            return Scope(agreement_id=agreement_id, visibility=Visibility.SHARED)

        def activities(agreement_ids: list[int], year: int, user: Any) -> list[wheel.Item]:
            """The communication plan's activities ``user`` reads, on the årshjul (an
            activity given by its month only sits on the month's first day)."""
            from django.utils import timezone

            from samverka.tenancy.access import VIEW, restrict

            today = timezone.localdate()
            items = []
            for activity in (
                restrict(Activity.objects.all(), user, VIEW)
                .filter(plan__agreement__in=agreement_ids, plan__year=year)
                .select_related("plan")
            ):
                on = activity.on or dt.date(year, activity.month or 1, 1)
                state = "done" if activity.is_sent else "overdue" if on < today else "coming"
                label = _("Communication (%(channel)s): %(message)s") % {
                    "channel": activity.get_channel_display(),
                    "message": activity.message[:80],
                }
                items.append(
                    wheel.Item(on, str(label), "communication", state, activity.get_absolute_url())
                )
            return items

        wheel.USER_SOURCES.append(activities)

        from samverka.plans import timeline

        def plan_activities(plan: Any, user: Any) -> list[timeline.Dated]:
            """The activities of the plan's agreement ``user`` reads, on the plan's timeline."""
            from samverka.tenancy.access import VIEW, restrict

            found = []
            for activity in (
                restrict(Activity.objects.all(), user, VIEW)
                .filter(
                    plan__agreement=plan.agreement_id,
                    plan__year__gte=plan.period_start.year,
                    plan__year__lte=plan.period_end.year,
                )
                .select_related("plan")
            ):
                on = activity.on or dt.date(activity.plan.year, activity.month or 1, 1)
                label = f"{activity.get_channel_display()}: {activity.message[:80]}"
                found.append(
                    timeline.Dated(on, label, str(_("Communication")), activity.get_absolute_url())
                )
            return found

        timeline.SOURCES.append(plan_activities)
        register(CommunicationPlan, scope=of_plan)
        register(Activity, scope=of_plan, exclude={"updated_at"})
        register(ActivityApproval, scope=of_plan)
