"""What happened to each extract file, in one word, and what that means for `validate`.

- ``loaded``: every row that carries data was loaded (warnings and notes may remain; rows
  left out on purpose, such as a totals or footnote row, are not data rows: they are shown
  as skipped, not as excluded);
- ``partial``: the file was read but some data rows were excluded (a row with an error);
- ``refused``: the file as a whole was not taken (unknown kind, unreadable, a required
  column missing, or a repeat of another file).

`validate` exits 0 only when every file is ``loaded``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from campaign.i18n import t
from campaign.validation import FileReport, Issue

Outcome = Literal["loaded", "partial", "refused"]


@dataclass(frozen=True)
class FileOutcome:
    """One file's outcome and, when refused, the first file-level reason."""

    path: str
    outcome: Outcome
    rows_loaded: int
    rows_excluded: int  # data rows left out because of an error
    rows_skipped: int  # other rows not loaded: totals, subtotals, footnotes
    warnings: int
    reason: Issue | None = None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    def line(self, lang: str = "zh") -> str:
        """The report's first line for the file: ✓ / ! / ✗, the name and the counts."""
        if self.outcome == "refused":
            reason = self.reason.reason(lang) if self.reason else ""
            return t("outcome.refused", lang, name=self.name, reason=reason)
        text = t(
            f"outcome.{self.outcome}",
            lang,
            name=self.name,
            rows_loaded=f"{self.rows_loaded:,}",
            rows_excluded=f"{self.rows_excluded:,}",
        )
        if self.rows_skipped:
            text += t("outcome.skipped", lang, n=f"{self.rows_skipped:,}")
        if self.warnings:
            text += t("outcome.warnings", lang, n=f"{self.warnings:,}")
        return text


def file_outcome(report: FileReport) -> FileOutcome:
    """The outcome of one file: refused if it has a file-level error (one with no line),
    partial if a row has an error (every error on a row excludes that row).

    Rows not loaded without an error (a totals row, a footnote: reported as a warning or a
    note) are counted as skipped, so they do not make a file partial.
    """
    file_error = next((i for i in report.errors if i.line is None), None)
    error_lines = len({i.line for i in report.errors if i.line is not None})
    excluded, skipped = error_lines, max(0, report.rows_excluded - error_lines)
    if file_error is not None or report.kind is None:
        outcome: Outcome = "refused"
        excluded, skipped = report.rows_excluded, 0
    elif error_lines:
        outcome = "partial"
    else:
        outcome = "loaded"
    return FileOutcome(
        path=report.path,
        outcome=outcome,
        rows_loaded=report.rows_loaded,
        rows_excluded=excluded,
        rows_skipped=skipped,
        warnings=len(report.warnings),
        reason=file_error,
    )


def exit_code(reports: tuple[FileReport, ...] | list[FileReport], build_failed: bool) -> int:
    """0 when every file loaded whole; 1 when a file was refused, a data row excluded or the
    build failed."""
    if build_failed:
        return 1
    return 0 if all(file_outcome(r).outcome == "loaded" for r in reports) else 1
