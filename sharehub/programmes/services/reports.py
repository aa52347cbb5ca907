"""Support programmes: the reports part's services (lock order: services/__init__.py).

An award owes the reports its call asks for (interim and final, by the call's due dates)."""

from __future__ import annotations

from sharehub.programmes.models import Award, Report, ReportKind


def create_reports_for(award: Award) -> list[Report]:
    """The reports an award owes, created inside the awarding transaction (the caller's): one per
    due date the call sets. Idempotent: an existing report of a kind is kept."""
    call = award.call
    wanted = [
        (ReportKind.INTERIM, call.interim_report_due),
        (ReportKind.FINAL, call.final_report_due),
    ]
    reports = []
    for kind, due in wanted:
        if due is None:
            continue
        report, _created = Report.objects.get_or_create(
            award=award, kind=kind, defaults={"due_on": due}
        )
        reports.append(report)
    return reports
