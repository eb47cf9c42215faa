from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from samverka.agreements.models import Agreement, Duty
from samverka.lib.attention import items_for
from samverka.tenancy.access import memberships_of


def home(request: HttpRequest) -> HttpResponse:
    """The start page: for a signed-in user, their organizations and what needs attention."""
    if not request.user.is_authenticated:
        return render(request, "core/welcome.html")
    user = request.user
    memberships = memberships_of(user)
    agreements = Agreement.objects.of_user(user).prefetch_related("parties")
    return render(
        request,
        "core/home.html",
        {
            "memberships": memberships,
            "agreements": agreements,
            "attention": items_for(user),
            "next_duties": Duty.objects.of_user(user)
            .open()
            .filter(due_on__gte=timezone.localdate())
            .select_related("agreement")[:5],
        },
    )
