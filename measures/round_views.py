"""Pages of the reporting round: open a round, follow its progress, answer and judge rows, and
approve and publish the report (four eyes). Every change goes through ``measures.rounds`` or
``measures.reports``; these views only show pages and turn refusals into clear messages.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from . import owners, rounds
from .asof import PeildatumError
from .messages import message_response
from .models import PublishedReportError, Report, ReportState, Round, RoundItem, RoundItemState
from .reports import PUBLISH_REPORTS, approve_report, publish_problems, publish_report
from .round_forms import OpenRoundForm, PublishForm, StepForm
from .tables import (
    FixedSizePaginator,
    MyRowsFilter,
    MyRowsTable,
    PageByKeyData,
    my_rows_queryset,
)

MY_ROWS_PAGE_SIZE = 25

VIEW_ROUNDS = "measures.view_round"


def _refusal(request, error):
    """A refused step as a page: 403 for 'not yours to do', 400 for 'not possible now'."""
    if isinstance(error, PermissionDenied):
        text, status, title = str(error) or _("Dat mag u niet."), 403, _("Niet toegestaan")
    elif isinstance(error, PeildatumError):
        text, status, title = str(error.message), 400, _("Dat kan nu niet")
    else:
        text = " ".join(getattr(error, "messages", [str(error)]))
        status, title = 400, _("Dat kan nu niet")
    return message_response(request, text, status=status, title=title)


def needs_permission(perm):
    """Signed in (else to the login page) and holding ``perm`` (else a 403 page)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                return _refusal(request, PermissionDenied(_("Deze pagina is niet voor uw rol.")))
            try:
                return view(request, *args, **kwargs)
            except (
                PermissionDenied,
                ValidationError,
                PublishedReportError,
                PeildatumError,
            ) as error:
                return _refusal(request, error)

        return wrapped

    return decorator


@needs_permission(VIEW_ROUNDS)
def round_list(request):
    """Every round, newest first; the coordinator opens a new one here."""
    context = {
        "title": _("Rondes"),
        "rounds": Round.objects.select_related("report", "created_by"),
        "may_open": request.user.has_perm(rounds.OPEN_ROUNDS),
    }
    return render(request, "measures/rounds/round_list.html", context)


@needs_permission(rounds.OPEN_ROUNDS)
def round_open(request):
    """The coordinator opens a round: title, deadline and rows (default: not implemented)."""
    form = OpenRoundForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                round_ = rounds.open_round(
                    title=form.cleaned_data["title"],
                    deadline=form.cleaned_data["deadline"],
                    workstreams=form.cleaned_data["workstreams"],
                    user=request.user,
                )
            except rounds.RoundError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("De ronde is geopend."))
                return HttpResponseRedirect(round_.get_absolute_url())
        status = 400
    context = {"title": _("Nieuwe ronde"), "form": form}
    return render(request, "measures/rounds/round_form.html", context, status=status)


@needs_permission(VIEW_ROUNDS)
def round_detail(request, pk: int):
    """Progress of a round: counts per state and team, overdue teams, the list to work through.

    The coordinator sees every row; an owner sees their own team's rows.
    """
    round_ = get_object_or_404(Round.objects.select_related("report", "created_by"), pk=pk)
    manager = rounds.is_round_manager(request.user)
    items = rounds.round_items(round_)
    summary = rounds.progress(round_, items)
    worklist = summary["items"]
    if not manager:
        mine = owners.team_ids(request.user)
        worklist = [item for item in worklist if item.workstream.owner_id in mine]
    context = {
        "title": round_.title,
        "round": round_,
        "summary": summary,
        "worklist": worklist,
        "manager": manager,
        "may_make_report": manager
        and round_.is_open
        and summary["all_accepted"]
        and request.user.has_perm("measures.add_report"),
    }
    return render(request, "measures/rounds/round_detail.html", context)


STEPS = {
    "updated": rounds.mark_updated,
    "confirmed": rounds.confirm_unchanged,
    "accepted": rounds.accept,
    "returned": rounds.send_back,
}


def _available_steps(user, item: RoundItem) -> list[str]:
    if not item.round.is_open:
        return []
    steps = []
    if item.waits_for_owner and owners.can_change_row(user, item.workstream):
        steps += ["updated", "confirmed"]
    if rounds.is_round_manager(user):
        if item.waits_for_coordinator:
            steps.append("accepted")
        if item.state != RoundItemState.RETURNED and not item.waits_for_owner:
            steps.append("returned")
    return steps


@needs_permission(VIEW_ROUNDS)
def round_item(request, pk: int, item_pk: int):
    """One row in a round: its state, every step so far, and the steps this user may take."""
    item = get_object_or_404(
        rounds.round_items(Round(pk=pk)).select_related("round"), pk=item_pk, round_id=pk
    )
    form = StepForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            step = form.cleaned_data["action"]
            try:
                STEPS[step](item, request.user, form.cleaned_data["comment"])
            except rounds.RoundError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Opgeslagen: %(step)s.") % {"step": _step_label(step)})
                return HttpResponseRedirect(item.round.get_absolute_url())
        status = 400
    steps = [(step, _step_label(step)) for step in _available_steps(request.user, item)]
    context = {
        "title": str(item.workstream),
        "item": item,
        "round": item.round,
        "form": form,
        "steps": steps,
        "history": item.history.select_related("history_user").order_by("history_date"),
        "may_edit_row": owners.can_change_row(request.user, item.workstream),
    }
    return render(request, "measures/rounds/item_detail.html", context, status=status)


def _step_label(step: str) -> str:
    return {
        "updated": _("Rij is bijgewerkt"),
        "confirmed": _("Ongewijzigd bevestigen"),
        "accepted": _("Accepteren"),
        "returned": _("Terugsturen naar de eigenaar"),
    }[step]


@require_POST
@needs_permission(rounds.MANAGE_ROUNDS)
def round_report(request, pk: int):
    """When every row is accepted: make the draft report of the round."""
    round_ = get_object_or_404(Round, pk=pk)
    report = rounds.create_draft_report(round_, request.user)
    messages.success(request, _("De conceptrapportage is gemaakt. Een manager stelt haar nu vast."))
    return HttpResponseRedirect(report.get_absolute_url())


def _draft_or_404(slug: str) -> Report:
    return get_object_or_404(Report, slug=slug)


@require_POST
@needs_permission("measures.approve_report")
def report_approve(request, slug: str):
    """A manager approves (vaststellen) a draft someone else prepared."""
    report = approve_report(_draft_or_404(slug), request.user)
    messages.success(request, _("De rapportage is vastgesteld."))
    return HttpResponseRedirect(report.get_absolute_url())


@needs_permission(PUBLISH_REPORTS)
def report_publish(request, slug: str):
    """Publishing: a confirmation page (what goes out, with which letter), then publish."""
    report = _draft_or_404(slug)
    if report.state == ReportState.PUBLISHED:
        raise PublishedReportError(_("Deze rapportage is al gepubliceerd."))
    form = PublishForm(request.POST or None, initial={"letter": report.letter_id})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            published = publish_report(
                report, user=request.user, letter=form.cleaned_data["letter"]
            )
            messages.success(request, _("De rapportage is gepubliceerd."))
            return HttpResponseRedirect(published.get_absolute_url())
        status = 400
    context = {
        "title": _("Rapportage publiceren"),
        "report": report,
        "form": form,
        # The letter is chosen on this page itself.
        "problems": publish_problems(report, check_letter=False),
        "back": reverse("measures:report-detail", args=[report.slug]),
    }
    return render(request, "measures/rounds/report_publish.html", context, status=status)


@login_required
def my_rows(request):
    """ "Mijn rijen": the rows the user's teams own, sortable, paged and filterable."""
    filterset = MyRowsFilter(
        request.GET or None, queryset=my_rows_queryset(request.user), user=request.user
    )
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        status = 400
    table = MyRowsTable(PageByKeyData(filterset.qs))
    table.caption = _("Rijen van uw teams")
    paging = {"paginator_class": FixedSizePaginator, "page_size": MY_ROWS_PAGE_SIZE}
    RequestConfig(request, paginate=paging).configure(table)
    context = {
        "title": _("Mijn rijen"),
        "table": table,
        "filter": filterset,
        "teams": owners.teams().filter(pk__in=owners.team_ids(request.user)),
    }
    return render(request, "measures/my_rows.html", context, status=status)
