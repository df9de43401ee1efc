"""Who may change which row: the owning team's members their own rows, coordinators all rows.

A team is a Django group that is not a role (``models.ROLE_GROUPS``). The admin, the row
service and the round all ask these functions, so the rule lives in one place.
"""

from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet

from .models import ROLE_GROUPS, Workstream

CHANGE_ROWS = "measures.change_workstream"
CHANGE_ALL_ROWS = "measures.change_all_workstreams"


def teams() -> QuerySet:
    """Every group that can own rows (the role groups cannot)."""
    return Group.objects.exclude(name__in=ROLE_GROUPS).order_by("name")


def team_ids(user) -> set[int]:
    """The teams this user belongs to (cached on the user object for the request)."""
    if user is None or not user.is_authenticated:
        return set()
    if not hasattr(user, "_team_ids"):
        user._team_ids = set(user.groups.exclude(name__in=ROLE_GROUPS).values_list("pk", flat=True))
    return user._team_ids


def is_coordinator(user) -> bool:
    """Policy staff (and functional administrators): they may change every row."""
    return bool(user and user.is_authenticated and user.has_perm(CHANGE_ALL_ROWS))


def may_change_every_row(user) -> bool:
    """May this user change any row, whichever team owns it (no need to look at the row)."""
    return is_coordinator(user) and user.has_perm(CHANGE_ROWS)


def can_change_row(user, workstream: Workstream) -> bool:
    """May this user change this row: a coordinator, or a member of the owning team."""
    if user is None or not user.is_authenticated or not user.has_perm(CHANGE_ROWS):
        return False
    if is_coordinator(user):
        return True
    return workstream.owner_id is not None and workstream.owner_id in team_ids(user)


def owned_rows(user) -> QuerySet:
    """The rows the user's teams own."""
    return Workstream.objects.filter(owner_id__in=team_ids(user))


def changeable_rows(user, queryset: QuerySet | None = None) -> QuerySet:
    """Of ``queryset`` (default: all rows), the ones this user may change."""
    queryset = Workstream.objects.all() if queryset is None else queryset
    if user is None or not user.is_authenticated or not user.has_perm(CHANGE_ROWS):
        return queryset.none()
    if is_coordinator(user):
        return queryset
    return queryset.filter(Q(owner_id__in=team_ids(user)))


def contact_candidates() -> QuerySet:
    """Who can be a row's contact person: active staff."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")


def recipients(workstream: Workstream) -> list:
    """Who hears about a row: its contact persons, or else every active member of its team."""
    people = [user for user in workstream.contacts.all() if user.is_active and user.email]
    if people or workstream.owner_id is None:
        return people
    return [user for user in workstream.owner.user_set.filter(is_active=True) if user.email]
