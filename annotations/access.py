"""The one way a view finds the project a request is about, and what the user may do in it.

Every view calls `membership_or_404()`: the lookup starts from the projects the user may open
(`Project.objects.for_user`), so a project they are not in is a 404 (its existence does not
leak), and a role they lack is a 403 with a reason. The admin uses the same QuerySet methods.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from .models import Membership, Project

REFUSALS = {
    Membership.Role.CURATOR: "Only the project's curators and owners can do this.",
    Membership.Role.OWNER: "Only the project's owners can do this.",
}


def membership_or_404(
    request: HttpRequest, slug: str, *, role: str = Membership.Role.ANNOTATOR
) -> Membership:
    # One query for a member: their membership with its project.
    user = request.user
    membership = (
        Membership.objects.select_related("project").filter(project__slug=slug, user=user).first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        project = get_object_or_404(Project.objects.for_user(user), slug=slug)
        membership = project.membership_of(user)  # a superuser, acting as an owner
    membership.user = user  # the request's: no query for it
    if not membership.has_role(role):
        raise PermissionDenied(REFUSALS[role])
    return membership


def accounts_matching(who: str) -> list:
    """Up to two accounts whose username or e-mail is `who` (two: it is ambiguous)."""
    who = who.strip()
    users = get_user_model().objects.filter(Q(username__iexact=who) | Q(email__iexact=who))
    return list(users.order_by("pk")[:2])


def transcript_or_404(membership: Membership, transcript_id: int):
    transcripts = membership.project.transcripts.defer("original_text")
    return get_object_or_404(transcripts, pk=transcript_id)
