"""The drafted meeting narrative (文字稿): the engine's results turned into paragraphs.

Before each 攻势调度会 the analysts write 总体情况, 各项指标完成情况, 区市情况, 存在问题 and
下步工作建议 by hand. :func:`draft_narrative` drafts them from the very results the pages show,
by rules a reader can follow:

- 总体情况: how many KPIs are tracked and how many are in each status (a status with none is
  not mentioned); "all on pace" when nothing is behind; broken KPIs counted apart.
- 各项指标完成情况: a paragraph per domain (领域), a sentence per KPI chosen by its status: the
  year-to-date figure, completion, the gap to 序时进度 in 百分点 (高于/落后 decides the sign),
  同比 (增长/下降/持平; left out without last year's figure) and, for a total behind pace, the
  amount needed per remaining month. Rates and stocks are compared with their target level.
- 区市情况: for the city, the top and bottom districts of the ranking (up to three each, never
  overlapping) with their score and rank movement against the previous month-end; for a
  district, its own score, rank and movement.
- 存在问题: KPIs critical (严重滞后) at this and the previous month-end(s), with how many
  months in a row (counted back within the year); KPIs newly critical; KPIs lagging; broken
  queries. "No problem" only when nothing is behind.
- 下步工作建议: the critical KPIs to focus on; each behind KPI's current 督办 note of its latest
  month (action and due date, "overdue" when the due date is before the as-of date); the behind
  KPIs that have no note; "keep the pace" when nothing is behind.

Every figure is written by :mod:`campaign.formatting` exactly as the cards write it; the
sentences come from ``queries/narrative.toml`` (:mod:`.templates`). No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from campaign.formatting import (
    format_date,
    format_number,
    format_percent,
    format_signed_percent,
    is_missing,
    kpi_figures,
)
from campaign.kpi.engine import KpiEngine, previous_month_end
from campaign.kpi.pacing import months_remaining
from campaign.model import DOMAINS, Filters, KpiError, KpiResult, Scorecard
from campaign.narrative.templates import Templates, load_templates, templates_path
from campaign.notes import Note, NotesStore, month_key
from campaign.views import BEHIND, domain_label, scope_label

# The statuses 总体情况 counts, in the order it names them.
COUNTED = ("completed", "ahead", "lagging", "critical", "no_target", "no_data", "not_reported")
# How many districts 区市情况 names at the top and at the bottom of the ranking.
DISTRICTS_NAMED = 3
_ZH_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (headings 一、二、 and （一）（二）)."""
    if n < 10:
        return _ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (_ZH_DIGITS[tens] if tens > 1 else "") + "十" + (_ZH_DIGITS[ones] if ones else "")


def _number(n: int, lang: str) -> str:
    return chinese_number(n) if lang == "zh" else str(n)


def unsigned(text: str) -> str:
    """A signed figure as :mod:`campaign.formatting` writes it, without its sign (the sentence
    says 高于/落后, 增长/下降 instead): ``+3.2个百分点`` → ``3.2个百分点``."""
    return text.lstrip("+−±")


# ---------------------------------------------------------------- the draft


@dataclass(frozen=True)
class Sentence:
    """One sentence; ``kpi_id`` names the KPI whose figures it states, if any."""

    text: str
    kpi_id: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: an optional lead (（一）资金。) and its sentences."""

    sentences: tuple[Sentence, ...]
    lead: str = ""
    lang: str = "zh"

    @property
    def body(self) -> str:
        joiner = "" if self.lang == "zh" else " "
        return joiner.join(s.text for s in self.sentences)

    @property
    def text(self) -> str:
        if not self.lead:
            return self.body
        return self.lead + ("" if self.lang == "zh" else " ") + self.body


@dataclass(frozen=True)
class Section:
    key: str  # overall, kpis, districts, problems, next
    heading: str  # 一、总体情况
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Narrative:
    """The drafted text for one filter and one language."""

    lang: str
    filters: Filters
    title: str
    dateline: str
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def sentences(self) -> list[Sentence]:
        return [s for section in self.sections for p in section.paragraphs for s in p.sentences]

    def text(self) -> str:
        """Plain text: title, dateline, then each heading and its paragraphs, blank-line apart."""
        blocks = [self.title, self.dateline]
        for section in self.sections:
            blocks.append(section.heading)
            blocks += [p.text for p in section.paragraphs]
        return "\n\n".join(blocks)


@dataclass(frozen=True)
class NarrativeFacts:
    """What the draft is made from, gathered once from the engine and the notes store."""

    scorecard: Scorecard
    ranking: pd.DataFrame
    # KPI id → consecutive month-ends (this one included) at 严重滞后, for KPIs critical now.
    critical_months: dict[str, int] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    months_left: float = 0.0

    @property
    def filters(self) -> Filters:
        return self.scorecard.filters


def critical_months(engine: KpiEngine, filters: Filters, scorecard: Scorecard) -> dict[str, int]:
    """For each KPI critical at ``filters.as_of``: how many month-ends in a row it has been
    critical, counting back month by month within the year (1 = this month only)."""
    months = {r.kpi.id: 1 for r in scorecard.results if r.status == "critical"}
    still = set(months)
    day = filters.as_of
    while still:
        day = previous_month_end(day)
        if day.year != filters.year:
            break
        earlier = Filters(filters.year, day, filters.district)
        still = {
            kpi_id
            for kpi_id in still
            if (found := engine.result(kpi_id, earlier)) is not None and found.status == "critical"
        }
        for kpi_id in still:
            months[kpi_id] += 1
    return months


def gather_facts(
    engine: KpiEngine, filters: Filters, notes: NotesStore | None = None
) -> NarrativeFacts:
    """The scorecard, the ranking (with last month's), the critical streaks and the current
    follow-up notes of ``filters.scope`` for the year up to the as-of month."""
    if notes is None and engine.data_dir is not None:
        notes = NotesStore.for_data(engine.data_dir)
    scorecard = engine.scorecard(filters)
    found: list[Note] = []
    if notes is not None:
        found = notes.current(
            scope=filters.scope, year=filters.year, up_to=month_key(filters.as_of)
        )
    return NarrativeFacts(
        scorecard=scorecard,
        ranking=engine.ranking(filters),
        critical_months=critical_months(engine, filters, scorecard),
        notes=tuple(found),
        months_left=months_remaining(filters.year, min(filters.as_of, date(filters.year, 12, 31))),
    )


def draft_narrative(
    engine: KpiEngine,
    filters: Filters,
    lang: str = "zh",
    notes: NotesStore | None = None,
    templates: Templates | None = None,
) -> Narrative:
    """The meeting narrative for ``filters`` in ``lang``; the wording comes from the engine's
    queries folder (``narrative.toml``) unless ``templates`` is given.

    Raises :class:`~campaign.narrative.templates.TemplateError` when the wording file is
    unusable.
    """
    if templates is None:
        templates = load_templates(templates_path(engine.queries_dir))
    return compose(gather_facts(engine, filters, notes), lang, templates)


# ---------------------------------------------------------------- composing


class _Writer:
    def __init__(self, facts: NarrativeFacts, lang: str, templates: Templates) -> None:
        self.facts = facts
        self.lang = lang
        self.templates = templates
        self.results = facts.scorecard.results

    def say(self, key: str, count: float | None = None, **params: object) -> str:
        return self.templates.render(key, self.lang, count, **params)

    def names(self, results: Sequence[KpiResult]) -> str:
        return self.templates.join([r.kpi.name(self.lang) for r in results], self.lang)

    def paragraph(self, *sentences: Sentence | str, lead: str = "") -> Paragraph:
        found = tuple(s if isinstance(s, Sentence) else Sentence(s) for s in sentences if s)
        return Paragraph(found, lead, self.lang)

    @property
    def scope(self) -> str:
        return scope_label(self.facts.filters.district, self.lang)

    # ------------------------------------------------------------ figures

    def figures(self, result: KpiResult) -> dict[str, str]:
        """The KPI's figures as every surface writes them (``formatting.kpi_figures``), with
        the gap and 同比 as clauses."""
        shown = kpi_figures(result, self.lang)
        return {
            "kpi": result.kpi.name(self.lang),
            "actual": shown["actual"],
            "target": shown["target"],
            "completion": shown["completion"],
            "gap": unsigned(shown["gap"]),
            "yoy": self.yoy(result.yoy),
            "needed": self.needed(result),
        }

    def yoy(self, change: float | None) -> str:
        if is_missing(change):
            return ""
        signed = format_signed_percent(change, self.lang)
        if signed.startswith("+"):
            return self.say("yoy.up", value=unsigned(signed))
        if signed.startswith("−"):
            return self.say("yoy.down", value=unsigned(signed))
        return self.say("yoy.flat", value=unsigned(signed))

    def months_left(self) -> str:
        months = self.facts.months_left
        return format_number(months, 0 if float(months).is_integer() else 1)

    def needed(self, result: KpiResult) -> str:
        if result.needed_per_month is None or result.status not in BEHIND:
            return ""
        return self.say(
            "needed",
            self.facts.months_left,
            months=self.months_left(),
            amount=kpi_figures(result, self.lang)["needed"],
        )

    def kpi_sentence(self, result: KpiResult) -> Sentence:
        if result.not_reported:
            # Extracts that stop before the as-of date: the figure so far, nothing judged.
            if result.reported_through is None:
                return Sentence(
                    self.say("kpi.not_reported_at_all", **self.figures(result)), result.kpi.id
                )
            through = kpi_figures(result, self.lang)["reported_through"]
            key = "kpi.not_reported_level" if result.kpi.is_level else "kpi.not_reported"
            return Sentence(
                self.say(key, through=through, **self.figures(result)),
                result.kpi.id,
            )
        if result.kpi.is_level and result.status not in ("no_target", "no_data"):
            key = "kpi.level_met" if result.status == "completed" else "kpi.level_below"
        else:
            key = f"kpi.{result.status}"
        return Sentence(self.say(key, **self.figures(result)), result.kpi.id)

    # ------------------------------------------------------------ sections

    def overall(self) -> list[Paragraph]:
        filters = self.facts.filters
        total = len(self.results)
        errors = self.facts.scorecard.errors
        sentences: list[str] = []
        if total:
            sentences.append(
                self.say(
                    "overall.intro",
                    total,
                    date=format_date(filters.as_of, self.lang),
                    scope=self.scope,
                    total=total,
                    expected=format_percent(self.facts.scorecard.expected, self.lang),
                )
            )
            counted = [
                self.say(f"overall.count.{status}", n, n=n)
                for status in COUNTED
                if (n := sum(1 for r in self.results if r.status == status))
            ]
            sentences.append(
                self.say("overall.counts", list=self.templates.join(counted, self.lang, "clauses"))
            )
            rated = [r for r in self.results if r.status in ("completed", "ahead", *BEHIND)]
            judged_all = not any(r.not_reported for r in self.results)
            if rated and judged_all and not any(r.status in BEHIND for r in rated):
                sentences.append(self.say("overall.all_on_pace"))
        else:
            sentences.append(self.say("overall.empty"))
        if errors:
            sentences.append(self.say("overall.errors", len(errors), n=len(errors)))
        return [self.paragraph(*sentences)]

    def kpis(self) -> list[Paragraph]:
        present = {r.kpi.domain for r in self.results}
        domains = [d for d in DOMAINS if d in present] + sorted(present - set(DOMAINS))
        paragraphs = []
        for number, domain in enumerate(domains, start=1):
            lead = self.say(
                "kpis.domain",
                number=_number(number, self.lang),
                domain=domain_label(domain, self.lang),
            )
            sentences = [self.kpi_sentence(r) for r in self.results if r.kpi.domain == domain]
            paragraphs.append(self.paragraph(*sentences, lead=lead))
        return paragraphs

    def movement(self, movement: object) -> str:
        if is_missing(movement):
            return self.say("movement.new")
        steps = int(movement)  # type: ignore[call-overload]
        if steps > 0:
            return self.say("movement.up", steps, n=steps)
        if steps < 0:
            return self.say("movement.down", -steps, n=-steps)
        return self.say("movement.same")

    def district_item(self, row: pd.Series) -> str:
        return self.say(
            "districts.item",
            district=scope_label(str(row["district"]), self.lang),
            score=format_number(float(row["score"]), 1),
            rank=str(int(row["rank"])),
            movement=self.movement(row["movement"]),
        )

    def districts(self) -> list[Paragraph]:
        ranking = self.facts.ranking
        district = self.facts.filters.district
        if district is not None:
            own = ranking[ranking["district"] == district]
            if own.empty:
                return [self.paragraph(self.say("districts.own_unranked", scope=self.scope))]
            row = own.iloc[0]
            sentence = self.say(
                "districts.own",
                scope=self.scope,
                score=format_number(float(row["score"]), 1),
                rank=str(int(row["rank"])),
                total=str(len(ranking)),
                movement=self.movement(row["movement"]),
            )
            return [self.paragraph(sentence, self.say("districts.note"))]
        if ranking.empty:
            return [self.paragraph(self.say("districts.none"))]
        rows = [row for _, row in ranking.iterrows()]
        named = len(rows) if len(rows) < 2 else min(DISTRICTS_NAMED, len(rows) // 2)
        top = rows[:named]
        sentences = [
            self.say(
                "districts.top",
                len(top),
                n=len(top),
                list=self.templates.join([self.district_item(r) for r in top], self.lang),
            )
        ]
        bottom = rows[len(rows) - named :] if len(rows) >= 2 * named else []
        if bottom:
            sentences.append(
                self.say(
                    "districts.bottom",
                    len(bottom),
                    n=len(bottom),
                    list=self.templates.join([self.district_item(r) for r in bottom], self.lang),
                )
            )
        sentences.append(self.say("districts.note"))
        return [self.paragraph(*sentences)]

    def problems(self) -> list[Paragraph]:
        streaks = self.facts.critical_months
        critical = [r for r in self.results if r.status == "critical"]
        long_critical = sorted(
            (r for r in critical if streaks.get(r.kpi.id, 1) >= 2),
            key=lambda r: (-streaks[r.kpi.id], r.gap_pp if r.gap_pp is not None else 0.0),
        )
        sentences: list[Sentence | str] = []
        for result in long_critical:
            figures = self.figures(result)
            sentences.append(
                Sentence(
                    self.say(
                        "problems.streak",
                        kpi=figures["kpi"],
                        months=str(streaks[result.kpi.id]),
                        completion=figures["completion"],
                        gap=figures["gap"],
                        actual=figures["actual"],
                        owner=result.kpi.owned_by(self.lang),
                    ),
                    result.kpi.id,
                )
            )
        new = [r for r in critical if streaks.get(r.kpi.id, 1) < 2]
        if new:
            sentences.append(
                self.say("problems.new_critical", len(new), n=len(new), list=self.names(new))
            )
        lagging = [r for r in self.results if r.status == "lagging"]
        if lagging:
            sentences.append(
                self.say("problems.lagging", len(lagging), n=len(lagging), list=self.names(lagging))
            )
        not_reported = [r for r in self.results if r.not_reported]
        if not_reported:
            sentences.append(
                self.say(
                    "problems.not_reported",
                    len(not_reported),
                    n=len(not_reported),
                    list=self.names(not_reported),
                )
            )
        if not critical and not lagging:
            if not not_reported:
                sentences.append(self.say("problems.none"))
            elif any(r.status in ("completed", "ahead") for r in self.results):
                sentences.append(self.say("problems.none_others"))
        errors = self.facts.scorecard.errors
        if errors:
            sentences.append(
                self.say(
                    "problems.errors",
                    len(errors),
                    n=len(errors),
                    list=self.templates.join([_error_name(e) for e in errors], self.lang),
                )
            )
        return [self.paragraph(*sentences)]

    def next_steps(self) -> list[Paragraph]:
        behind = sorted(
            (r for r in self.results if r.status in BEHIND),
            key=lambda r: (r.status != "critical", r.gap_pp if r.gap_pp is not None else 0.0),
        )
        not_reported = [r for r in self.results if r.not_reported]
        report = (
            self.say(
                "next.not_reported",
                len(not_reported),
                n=len(not_reported),
                list=self.names(not_reported),
                date=format_date(self.facts.filters.as_of, self.lang),
            )
            if not_reported
            else ""
        )
        if not behind:
            return [self.paragraph(report or self.say("next.keep"))]
        sentences: list[Sentence | str] = []
        critical = [r for r in behind if r.status == "critical"]
        if critical:
            sentences.append(
                self.say("next.focus", len(critical), n=len(critical), list=self.names(critical))
            )
        by_kpi: dict[str, list[Note]] = {}
        for note in self.facts.notes:
            by_kpi.setdefault(note.kpi_id, []).append(note)
        without = []
        for result in behind:
            notes = by_kpi.get(result.kpi.id)
            if not notes:
                without.append(result)
                continue
            latest = max(n.month for n in notes)
            for note in sorted(
                (n for n in notes if n.month == latest),
                key=lambda n: (n.created_at, n.id),
                reverse=True,
            ):
                sentences.append(Sentence(self.note_sentence(result, note), result.kpi.id))
        if without:
            sentences.append(
                self.say("next.no_note", len(without), n=len(without), list=self.names(without))
            )
        sentences.append(report)
        return [self.paragraph(*sentences)]

    def note_sentence(self, result: KpiResult, note: Note) -> str:
        due = ""
        if note.due_date is not None:
            key = "next.overdue" if note.due_date < self.facts.filters.as_of else "next.due"
            due = self.say(key, date=format_date(note.due_date, self.lang))
        return self.say(
            "next.note",
            kpi=result.kpi.name(self.lang),
            owner=result.kpi.owned_by(self.lang),
            reason=note.reason,
            action=(note.action or note.reason).rstrip("。. "),
            due=due,
            month=note.month,
            author=note.author,
        )


def _error_name(error: KpiError) -> str:
    return error.path.name


SECTIONS: tuple[str, ...] = ("overall", "kpis", "districts", "problems", "next")


def compose(facts: NarrativeFacts, lang: str, templates: Templates) -> Narrative:
    """The narrative of ``facts`` in ``lang`` with the wording of ``templates``."""
    writer = _Writer(facts, lang, templates)
    filters = facts.filters
    built = {
        "overall": writer.overall,
        "kpis": writer.kpis,
        "districts": writer.districts,
        "problems": writer.problems,
        "next": writer.next_steps,
    }
    sections = []
    for key in SECTIONS:
        paragraphs = [p for p in built[key]() if p.sentences]
        if not paragraphs:
            continue
        heading = writer.say(
            "heading",
            number=_number(len(sections) + 1, lang),
            title=writer.say(f"heading.{key}"),
        )
        sections.append(Section(key, heading, tuple(paragraphs)))
    return Narrative(
        lang=lang,
        filters=filters,
        title=writer.say("title", scope=writer.scope),
        dateline=writer.say(
            "dateline",
            date=format_date(filters.as_of, lang),
            expected=format_percent(facts.scorecard.expected, lang),
        ),
        sections=tuple(sections),
    )
