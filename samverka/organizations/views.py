from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samverka.accounts.models import User
from samverka.organizations import services
from samverka.organizations.forms import (
    AccountSetupForm,
    ActorForm,
    DirectoryFilterForm,
    MemberAddForm,
    MembershipRoleForm,
)
from samverka.organizations.models import Invitation, Organization
from samverka.tenancy.models import Membership


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
            invitation = services.invite_member(request, organization, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # The same message whether or not the address has an account.
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect(organization)
    return render(
        request, "organizations/member_add.html", {"organization": organization, "form": form}
    )


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation: a person with an account accepts it signed in as the
    invited address; a person new to samverka sets up an account."""
    invitation = services.open_invitation(token)
    if invitation is None:
        return render(request, "organizations/invitation.html", {"invalid": True}, status=404)
    context: dict[str, Any] = {"invitation": invitation}
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    if request.user.is_authenticated and request.user.email.lower() != invitation.email:
        context["wrong_user"] = True
        return render(request, "organizations/invitation.html", context, status=403)
    if has_account and not request.user.is_authenticated:
        messages.info(
            request,
            _("Sign in as %(email)s to accept the invitation.") % {"email": invitation.email},
        )
        return redirect_to_login(request.get_full_path())
    if has_account:
        if request.method == "POST":
            try:
                services.accept_invitation(invitation, request.user)  # type: ignore[arg-type]
            except ValidationError as exc:
                context["error"] = exc.messages[0]
            else:
                return _accepted(request, invitation)
        return render(request, "organizations/invitation.html", context)
    form = AccountSetupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.set_up_account(
                invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                title=form.cleaned_data["title"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            return _accepted(request, invitation)
    context["form"] = form
    return render(request, "organizations/invitation.html", context)


def _accepted(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    messages.success(
        request,
        _("You are now %(role)s in %(organization)s.")
        % {"role": invitation.get_role_display().lower(), "organization": invitation.organization},
    )
    return redirect(invitation.organization)


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
