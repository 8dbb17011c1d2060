"""The Members page: owners add people by username or e-mail, change roles, remove them;
curators reveal the annotators' layers to each other (or hide them again)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from ..access import accounts_matching, membership_or_404
from ..forms import whole_number
from ..models import Membership, distribute

TEMPLATE = "annotations/member_list.html"


class MemberForm(forms.Form):
    who = forms.CharField(label="Username or e-mail", max_length=254)
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.ANNOTATOR)

    def clean_who(self):
        who = self.cleaned_data["who"].strip()
        found = accounts_matching(who)
        if not found:
            raise forms.ValidationError(f"No account is called or has the e-mail “{who}”.")
        if len(found) > 1:
            raise forms.ValidationError(f"Several accounts share “{who}”: give the username.")
        return found[0]


@require_http_methods(["GET", "POST"])
@login_required
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_or_404(request, slug)
    project = membership.project
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        membership = membership_or_404(request, slug, role=Membership.Role.OWNER)
        if form.is_valid():
            user, role = form.cleaned_data["who"], form.cleaned_data["role"]
            project.add_member(user, role)
            messages.success(request, f"{user} is now {role} of {project.name}.")
            return redirect("annotations:member_list", slug)
    members = project.memberships.select_related("user").order_by("user__username")
    context = {
        "project": project,
        "membership": membership,
        "members": members,
        "form": form,
        "roles": Membership.Role.choices,
        "transcripts": project.transcripts.only("pk", "title").order_by("pk"),
        "assignments": project.assignments.select_related("transcript", "user").only(
            "transcript__title", "user__username", "transcript_id", "user_id"
        ),
    }
    return TemplateResponse(request, TEMPLATE, context, status=400 if form.errors else 200)


@require_POST
@login_required
def member_change(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    """`role=<role>` changes it; `remove=1` removes the member. The last owner stays."""
    project = membership_or_404(request, slug, role=Membership.Role.OWNER).project
    member = get_object_or_404(project.memberships.select_related("user"), pk=member_id)
    role = request.POST.get("role")
    try:
        if request.POST.get("remove"):
            member.remove()
            messages.success(request, f"Removed {member.user} from {project.name}.")
        elif role in Membership.Role.values:
            member.change_role(role)
            messages.success(request, f"{member.user} is now {role}.")
        else:
            messages.error(request, "Choose a role: annotator, curator or owner.")
    except Membership.LastOwner as refusal:
        messages.error(request, str(refusal))
    return redirect("annotations:member_list", slug)


@require_POST
@login_required
def layers_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    """Curators reveal the annotators' layers to each other (blind off), or hide them again."""
    project = membership_or_404(request, slug, role=Membership.Role.CURATOR).project
    project.set_blind(request.POST.get("blind") == "1")
    if project.blind:
        messages.success(request, "Blind again: annotators see only their own annotations.")
    else:
        messages.success(request, "Layers revealed: annotators now see each other's annotations.")
    return redirect("annotations:member_list", slug)


@require_POST
@login_required
def assignments_update(request: HttpRequest, slug: str) -> HttpResponse:
    """Owners give transcripts to members: `assign` one, `unassign` one, or `distribute` k."""
    project = membership_or_404(request, slug, role=Membership.Role.OWNER).project
    action = request.POST.get("action")
    if action == "distribute":
        k = whole_number(request.POST.get("per_transcript"))
        if not k or k > 50:
            messages.error(request, "Give a number of annotators per transcript, 1 to 50.")
        else:
            added = distribute(project, k)
            messages.success(request, f"Distributed: {added} new assignment{'s' * (added != 1)}.")
        return redirect("annotations:member_list", slug)
    transcript = project.transcripts.filter(pk=whole_number(request.POST.get("transcript"))).first()
    member = project.memberships.filter(pk=whole_number(request.POST.get("member"))).first()
    if transcript is None or member is None:
        messages.error(request, "Choose one of this project's transcripts and one of its members.")
    elif action == "assign":
        project.assignments.get_or_create(transcript=transcript, user_id=member.user_id)
        messages.success(request, f"Assigned “{transcript.title}” to {member.user}.")
    elif action == "unassign":
        project.assignments.filter(transcript=transcript, user_id=member.user_id).delete()
        messages.success(request, f"“{transcript.title}” is no longer assigned to {member.user}.")
    return redirect("annotations:member_list", slug)
