"""`campaign ...` (also `python -m campaign ...`): the command line of the engine.

Exit codes: 0 success, 1 the data or a query has errors, 2 a usage error.  For `validate`,
0 means every row that carries data was loaded (see :mod:`campaign.outcomes`); 1 that a
file was refused or a data row excluded.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from campaign import auth_commands, locations
from campaign.brief import commands as brief_commands
from campaign.formatting import format_datetime
from campaign.i18n import t
from campaign.kpi import commands as kpi_commands
from campaign.kpi.issues import KpiWarning
from campaign.kpi.pacing import load_pacing
from campaign.kpi.targets import load_targets
from campaign.logs import configure_logging
from campaign.outcomes import FileOutcome, exit_code, file_outcome
from campaign.storage import BUILD_DIR_NAME, Dataset, extract_paths, load_dataset
from campaign.views import CHINA_TIME

# How many issues per file the readable report lists before summarising.
REPORT_ISSUES_PER_FILE = 50


def _validate(args: argparse.Namespace) -> int:
    data_dir = locations.data_dir(args.data)
    lang = args.lang
    if not extract_paths(data_dir):
        print(t("validation.no_extracts", lang, path=data_dir / "extracts"), file=sys.stderr)
        return 1
    dataset = load_dataset(data_dir)
    planning = planning_warnings(data_dir)
    if args.json:
        print(json.dumps(validation_json(dataset, lang, planning), ensure_ascii=False, indent=2))
    else:
        print(validation_text(dataset, lang, planning))
    if dataset.read_only:
        print(read_only_text(dataset, lang), file=sys.stderr)
    if dataset.build_error:
        print(t("validation.build_failed", lang, detail=dataset.build_error), file=sys.stderr)
    return exit_code(dataset.files, build_failed=bool(dataset.build_error))


def _outcome_json(outcome: FileOutcome) -> dict[str, object]:
    return {
        "outcome": outcome.outcome,
        "rows_excluded": outcome.rows_excluded,
        "rows_skipped": outcome.rows_skipped,
    }


def read_only_text(dataset: Dataset, lang: str = "zh") -> str:
    """The warning for a data folder that cannot be written (``Dataset.read_only``): its
    last build used read-only, or a private build elsewhere when it had none."""
    build_dir = dataset.data_dir / BUILD_DIR_NAME
    private = dataset.database_path.parent != build_dir
    return t(
        "validation.read_only_private" if private else "validation.read_only",
        lang,
        detail=dataset.read_only,
        built=format_datetime(dataset.built_at.astimezone(CHINA_TIME), lang),
        where=dataset.database_path.parent,
        path=build_dir,
    )


def planning_warnings(data_dir: Path) -> tuple[KpiWarning, ...]:
    """What is wrong with the data folder's planning files: ``targets.csv`` missing,
    unreadable or with rows skipped, ``pacing.csv`` rows skipped."""
    targets = load_targets(data_dir / "targets.csv")
    pacing = load_pacing(data_dir / "pacing.csv")
    return (*targets.warnings, *pacing.warnings)


def validation_json(
    dataset: Dataset, lang: str = "zh", planning: Sequence[KpiWarning] = ()
) -> dict[str, object]:
    """The `validate --json` object: files with their outcome, errors, warnings and notes,
    the planning files' warnings, and the counts (planning warnings included; notes and
    warnings do not fail `validate`, errors do)."""
    return {
        "files": [
            {
                "path": f.path,
                "kind": f.kind,
                **_outcome_json(file_outcome(f)),
                "rows_total": f.rows_total,
                "rows_loaded": f.rows_loaded,
                "errors": [i.as_json(lang) for i in f.errors],
                "warnings": [i.as_json(lang) for i in f.warnings],
                "notes": [i.as_json(lang) for i in f.notes],
            }
            for f in dataset.files
        ],
        "planning": [
            {"path": w.path.name, "line": w.line, "kpi_id": w.kpi_id, "reason": w.text(lang)}
            for w in planning
        ],
        "errors": dataset.error_count,
        "warnings": dataset.warning_count + len(planning),
        "notes": dataset.note_count,
        "read_only": dataset.read_only,
    }


def validation_text(dataset: Dataset, lang: str = "zh", planning: Sequence[KpiWarning] = ()) -> str:
    """The readable `validate` report: each file's outcome first (✓ loaded, ! rows excluded,
    ✗ refused), then the details of each file with problems, then the planning files'
    warnings (a missing ``targets.csv``), then the counts."""
    lines: list[str] = [file_outcome(f).line(lang) for f in dataset.files]
    with_issues = [f for f in dataset.files if f.errors or f.warnings or f.notes]
    if with_issues:
        lines += ["", t("outcome.details", lang)]
    for f in with_issues:
        lines.append(
            t(
                "validation.report_file",
                lang,
                path=f.path,
                kind=f.kind or "?",
                encoding=f.encoding or "?",
                rows_total=f"{f.rows_total:,}",
                rows_loaded=f"{f.rows_loaded:,}",
                rows_excluded=f"{f.rows_excluded:,}",
            )
        )
        issues = [*f.errors, *f.warnings, *f.notes]
        for issue in issues[:REPORT_ISSUES_PER_FILE]:
            severity = t(f"validation.severity_{issue.severity}", lang)
            if issue.line is None:
                lines.append(
                    t(
                        "validation.report_file_issue",
                        lang,
                        severity=severity,
                        column=issue.column or t("validation.no_column", lang),
                        reason=issue.reason(lang),
                    )
                )
            elif issue.column is None:
                lines.append(
                    t(
                        "validation.report_row_issue",
                        lang,
                        severity=severity,
                        line=issue.line,
                        reason=issue.reason(lang),
                    )
                )
            else:
                lines.append(
                    t(
                        "validation.report_issue",
                        lang,
                        severity=severity,
                        line=issue.line,
                        column=issue.column or "",
                        value=issue.value or "",
                        reason=issue.reason(lang),
                    )
                )
        if len(issues) > REPORT_ISSUES_PER_FILE:
            lines.append(
                t("validation.report_more", lang, count=len(issues) - REPORT_ISSUES_PER_FILE)
            )
    for warning in planning:
        lines.append(t("kpi.cli.warning", lang, where=warning.where(), message=warning.text(lang)))
    lines.append(
        t(
            "validation.report_summary",
            lang,
            files=len(dataset.files),
            errors=dataset.error_count,
            warnings=dataset.warning_count + len(planning),
            notes=dataset.note_count,
        )
    )
    return "\n".join(lines)


def _sample(args: argparse.Namespace) -> int:
    from campaign.sample import write_sample

    write_sample(Path(args.out), seed=args.seed, scale=args.scale)
    return 0


def _template(args: argparse.Namespace) -> int:
    from campaign.contracts import KINDS
    from campaign.templates import kind_for_name, template_workbook

    kind = kind_for_name(args.kind)
    if kind is None:
        choices = ", ".join(f"{k.id}/{k.name_zh}" for k in KINDS)
        print(
            t("template.unknown_kind", args.lang, kind=args.kind, choices=choices), file=sys.stderr
        )
        return 2
    out = Path(args.out)
    out.write_bytes(template_workbook(kind, args.lang))
    print(t("template.written", args.lang, path=out))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="campaign", description="攻势看板 engine")
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check the extracts of a data folder")
    validate.add_argument("--data", help="data folder (default: $CAMPAIGN_DATA, else ./data)")
    validate.add_argument("--json", action="store_true", help="print one JSON object")
    validate.add_argument("--lang", choices=("zh", "en"), default="zh")
    validate.set_defaults(handler=_validate)

    sample = sub.add_parser("sample", help="write the deterministic sample data folder")
    sample.add_argument("--out", required=True, help="folder to write")
    sample.add_argument("--seed", type=int, default=2022)
    sample.add_argument("--scale", type=int, default=1, help="multiply the row counts")
    sample.set_defaults(handler=_sample)

    template = sub.add_parser("template", help="write the Excel template of an extract kind")
    template.add_argument("kind", help="kind id or Chinese name (financing, 融资对接, ...)")
    template.add_argument("--out", required=True, help="the .xlsx file to write")
    template.add_argument("--lang", choices=("zh", "en"), default="zh")
    template.set_defaults(handler=_template)

    kpi_commands.register(sub)
    brief_commands.register(sub)
    auth_commands.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    configure_logging()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    return int(args.handler(args))
