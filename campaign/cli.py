"""`campaign ...` (also `python -m campaign ...`): the command line of the engine.

Exit codes: 0 success, 1 the data or a query has errors, 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from campaign import auth_commands, locations
from campaign.brief import commands as brief_commands
from campaign.i18n import t
from campaign.kpi import commands as kpi_commands
from campaign.storage import Dataset, extract_paths, load_dataset

# How many issues per file the readable report lists before summarising.
REPORT_ISSUES_PER_FILE = 50


def _validate(args: argparse.Namespace) -> int:
    data_dir = locations.data_dir(args.data)
    lang = args.lang
    if not extract_paths(data_dir):
        print(t("validation.no_extracts", lang, path=data_dir / "extracts"), file=sys.stderr)
        return 1
    dataset = load_dataset(data_dir)
    if args.json:
        print(json.dumps(validation_json(dataset, lang), ensure_ascii=False, indent=2))
    else:
        print(validation_text(dataset, lang))
    if dataset.build_error:
        print(t("validation.build_failed", lang, detail=dataset.build_error), file=sys.stderr)
        return 1
    return 1 if dataset.error_count else 0


def validation_json(dataset: Dataset, lang: str = "zh") -> dict[str, object]:
    """The `validate --json` object: files with their errors and warnings, and the counts."""
    return {
        "files": [
            {
                "path": f.path,
                "kind": f.kind,
                "rows_total": f.rows_total,
                "rows_loaded": f.rows_loaded,
                "errors": [i.as_json(lang) for i in f.errors],
                "warnings": [i.as_json(lang) for i in f.warnings],
            }
            for f in dataset.files
        ],
        "errors": dataset.error_count,
        "warnings": dataset.warning_count,
    }


def validation_text(dataset: Dataset, lang: str = "zh") -> str:
    """The readable `validate` report: a line per file, then its problems."""
    lines: list[str] = []
    for f in dataset.files:
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
        issues = [*f.errors, *f.warnings]
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
    lines.append(
        t(
            "validation.report_summary",
            lang,
            files=len(dataset.files),
            errors=dataset.error_count,
            warnings=dataset.warning_count,
        )
    )
    return "\n".join(lines)


def _sample(args: argparse.Namespace) -> int:
    from campaign.sample import write_sample

    write_sample(Path(args.out), seed=args.seed, scale=args.scale)
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

    kpi_commands.register(sub)
    brief_commands.register(sub)
    auth_commands.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    return int(args.handler(args))
