"""`susi worker`: recover the jobs of dead workers on this machine, then run the database queue's worker."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from susi.jobs.services import recover_abandoned, worker_identity


class Command(DbWorkerCommand):
    help = "Run a SUSI job worker (marks jobs of a dead worker on this machine retryable first)."

    def handle(self, *args, **options):
        recovered = recover_abandoned()
        if recovered:
            self.stderr.write(f"{len(recovered)} interrupted job(s) marked retryable: {', '.join(recovered)}")
        # The queue's worker id is this process, so a later start can tell it died.
        options["worker_id"] = worker_identity()[:64]
        options["reload"] = False
        return super().handle(*args, **options)
