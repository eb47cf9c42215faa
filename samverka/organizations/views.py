from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samverka.organizations import services
from samverka.organizations.forms import (
    ActorForm,
    DirectoryFilterForm,
    MemberAddForm,
    MembershipRoleForm,
)
from samverka.organizations.models import Membership, Organization


def directory(request: HttpRequest) -> HttpResponse:
    """The public directory of organizations: reference data, no people."""
    form = DirectoryFilterForm(request.GET or None)
    organizations = Organization.objects.select_related("county", "parent")
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            organizations = organizations.filter(Q(name__icontains=q) | Q(municipality_code=q))
        if kind := form.cleaned_data["kind"]:
            organizations = organizations.filter(kind=kind)
    page = Paginator(organizations, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organizations/directory.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm("organizations.add_actor"),
        },
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(
        Organization.objects.select_related("county", "parent"), slug=slug
    )
    can_view_members = request.user.has_perm("organizations.view_members", organization)
    members = (
        organization.memberships.select_related("user").order_by(
            "role", "user__last_name", "user__first_name"
        )
        if can_view_members
        else None
    )
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "covers": organization.covers.order_by("name"),
            "covered_by": organization.covered_by.order_by("name"),
            "counties": organization.counties.order_by("code"),
            "members": members,
            "can_manage": request.user.has_perm("organizations.manage_members", organization),
        },
    )


def _managed(request: HttpRequest, slug: str) -> Organization:
    organization = get_object_or_404(Organization, slug=slug)
    if not request.user.has_perm("organizations.manage_members", organization):
        raise PermissionDenied
    return organization


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _managed(request, slug)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_member(request, organization, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(person)s is now %(role)s in %(organization)s.")
                % {
                    "person": membership.user,
                    "role": membership.get_role_display().lower(),
                    "organization": organization,
                },
            )
            return redirect(organization)
    return render(
        request, "organizations/member_add.html", {"organization": organization, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = _managed(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organization=organization
    )
    form = MembershipRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(membership, form.cleaned_data["role"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The role was changed."))
            return redirect(organization)
    return render(
        request,
        "organizations/member_change.html",
        {"organization": organization, "membership": membership, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = _managed(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organization=organization
    )
    error = None
    if services.is_last_coordinator(membership):
        error = _("An organization must keep at least one coordinator.")
    elif request.method == "POST":
        try:
            services.remove_member(membership)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request,
                _("%(person)s was removed from %(organization)s.")
                % {"person": membership.user, "organization": organization},
            )
            return redirect(organization)
    return render(
        request,
        "organizations/member_remove.html",
        {"organization": organization, "membership": membership, "error": error},
        status=400 if error and request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def actor_add(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("organizations.add_actor"):
        raise PermissionDenied
    form = ActorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        county = form.cleaned_data["county"]
        organization = services.create_actor(
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            county_id=county.pk if county else None,
            created_by=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, _("%(name)s was added.") % {"name": organization})
        return redirect(organization)
    return render(request, "organizations/actor_add.html", {"form": form})
