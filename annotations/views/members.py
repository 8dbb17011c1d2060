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
from ..models import Membership, Project, distribute, get_work

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


class AssignmentSettingsForm(forms.Form):
    mode = forms.ChoiceField(label="Assignment", choices=Project.Assigning.choices)
    per_transcript = forms.IntegerField(
        label="Annotators each transcript needs", min_value=1, max_value=50
    )
    release_after_hours = forms.IntegerField(
        label="Release untouched work after (hours)", min_value=0, max_value=24 * 365
    )


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
        "assignments": assignment_rows(project),
        "settings_form": AssignmentSettingsForm(
            initial={
                "mode": project.assignment_mode,
                "per_transcript": project.annotators_per_transcript,
                "release_after_hours": project.release_after_hours,
            }
        ),
    }
    return TemplateResponse(request, TEMPLATE, context, status=400 if form.errors else 200)


def assignment_rows(project) -> list:
    """Every assignment with when it was last touched and, for dynamic work, when it goes."""
    rows = list(
        project.assignments.with_touched()
        .select_related("transcript", "user")
        .only(
            "project_id",
            "transcript__title",
            "user__username",
            "transcript_id",
            "user_id",
            "dynamic",
            "assigned_at",
        )
        .order_by("transcript_id", "user__username")
    )
    for row in rows:
        row.release_at = row.release_due(project, row.touched)
    return rows


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
    if "anonymise" in request.POST:
        project.set_anonymise(request.POST["anonymise"] == "1")
        if project.anonymise:
            messages.success(request, "Other annotators now show as “Annotator 1, 2, …”.")
        else:
            messages.success(request, "Annotators' names are shown again.")
        return redirect("annotations:member_list", slug)
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
    if action == "mode":
        form = AssignmentSettingsForm(request.POST)
        if form.is_valid():
            project.set_assignment(**form.cleaned_data)
            messages.success(request, f"Assignment: {project.get_assignment_mode_display()}.")
        else:
            for field, errors in form.errors.items():
                messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
        return redirect("annotations:member_list", slug)
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


@require_POST
@login_required
def work_next(request: HttpRequest, slug: str) -> HttpResponse:
    """“Get work” in a dynamic project: the member's transcript in progress, else the next."""
    membership = membership_or_404(request, slug)
    project = membership.project
    if not project.dynamic:
        messages.error(request, "Transcripts here are assigned by the owners, not on request.")
        return redirect(project)
    assignment = get_work(project, request.user)
    if assignment is None:
        messages.info(
            request,
            f"Nothing needs you now: every transcript has {project.annotators_per_transcript} "
            "annotators, or you have done it.",
        )
        return redirect(project)
    return redirect("annotations:workspace", slug=slug, transcript_id=assignment.transcript_id)
