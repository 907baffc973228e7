"""`gonghui worker`: runs background tasks (roster checks and imports), with a heartbeat and the recovery of tasks
a killed worker left running (core/worker.py). The same options as django_tasks_db's db_worker; the default queue
is "default"."""

from django_tasks_db.management.commands import db_worker

from gonghui.core.worker import GonghuiWorker


class Command(db_worker.Command):
    help = "Run the background worker: tasks, a heartbeat, and the recovery of interrupted tasks"

    def handle(self, *args, **options):
        original = db_worker.Worker
        db_worker.Worker = GonghuiWorker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
