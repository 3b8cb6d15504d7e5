"""A job's page: progress polled by HTMX while it runs, its outcome when done, a retry when it may."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from susi.accounts.permissions import require

from . import services
from .models import Job


def _job(request, pk) -> Job:
    job = get_object_or_404(Job, pk=pk)
    require(request.user, "jobs.view", job)
    return job


def _context(request, job: Job) -> dict:
    done, total = services.progress_of(job)
    back = job.return_url if url_has_allowed_host_and_scheme(job.return_url, allowed_hosts=None) else ""
    next_url = str((job.result or {}).get("next_url") or "") if job.status == Job.Status.DONE else ""
    return {
        "next": next_url if url_has_allowed_host_and_scheme(next_url, allowed_hosts=None) else "",
        "job": job,
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
        "back": back,
    }


@login_required
def job(request, pk):
    return render(request, "jobs/job.html", _context(request, _job(request, pk)))


@login_required
def progress(request, pk):
    """The progress panel alone (what the page polls); a finished job with a result page goes there."""
    context = _context(request, _job(request, pk))
    response = render(request, "jobs/_progress.html", context)
    if context["next"] and request.headers.get("HX-Request"):
        response["HX-Redirect"] = context["next"]
    return response


@login_required
@require_POST
def retry(request, pk):
    job = _job(request, pk)
    try:
        services.retry(job)
    except services.JobRefused as exc:
        messages.error(request, exc.message)
    return redirect("jobs:job", pk=job.pk)


def start_page(job: Job):
    """Where a view sends the user after queueing a job."""
    return redirect("jobs:job", pk=job.pk)
