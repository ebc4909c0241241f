"""Running an import on a stored upload (core.ImportBatch): the importer of each kind, and the check that records its
outcome on the batch (a dry run for the preview, for real on confirm)."""
from django.utils import timezone

from dtbd.core.importing import ImportFailed, ImportReport
from dtbd.core.models import ImportBatch
from dtbd.org.importing import import_units
from dtbd.people.assessment_import import import_assessments
from dtbd.people.importing import import_staff
from dtbd.plans.importing import import_needs
from dtbd.reorganisation.history_import import import_history

IMPORTERS = {
    ImportBatch.Kind.UNITS: import_units,
    ImportBatch.Kind.STAFF: import_staff,
    ImportBatch.Kind.NEEDS: import_needs,
    ImportBatch.Kind.ASSESSMENTS: import_assessments,
    ImportBatch.Kind.HISTORY: import_history,
}


def importer_for(kind):
    """The import function of a kind ('units', 'staff', 'needs', 'assessments' or 'history'): f(source, user=None, dry_run=False) -> ImportReport."""
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise ValueError(kind) from None


def check_batch(batch, user, dry_run):
    """Run the importer on the stored file (a dry run for the preview, for real on confirm) and record the outcome."""
    try:
        report = importer_for(batch.kind)(batch.file.path, user=user, dry_run=dry_run)
    except ImportFailed as failed:
        report = ImportReport(kind=batch.kind, rows=failed.rows, errors=failed.errors)
    batch.rows, batch.created, batch.changed, batch.unchanged = report.rows, report.created, report.changed, report.unchanged
    batch.error_count = len(report.errors)
    batch.report = report.as_dict()
    if report.errors:
        batch.status = ImportBatch.Status.INVALID
    elif dry_run:
        batch.status = ImportBatch.Status.VALID
    else:
        batch.status = ImportBatch.Status.DONE
        batch.finished_at = timezone.now()
    batch.save()
