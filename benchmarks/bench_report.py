"""The Markdown report of a ``run_all.py`` results file (``docs/benchmarks.md``).

Kept apart from the measuring so the report can be rendered again from
``benchmarks/out/results.json`` (``run_all.py --render FILE``) without measuring again.
"""

from __future__ import annotations

from collections.abc import Iterable

INGEST_MIN_RATIO = 0.5
KPI_WARM_MS = 50.0
KPI_COLD_MS = 2000.0
PEAK_MEMORY_MB = 2048.0
LOAD_P95_MS = 1500.0
# The comparison run with Streamlit's default full GC after every script run.
STREAMLIT_GC_RUN = "one process, Streamlit's default runner.postScriptGC = true"
PAGES = ("overview", "kpi", "districts", "data")


def _table(header: Iterable[str], align: str, rows: Iterable[Iterable[object]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + align + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _ok(met: bool) -> str:
    return "met" if met else "**not met**"


def _ms(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f} ms"


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} MB"


def _scales(results: dict) -> list[tuple[str, dict]]:
    return sorted(results.get("scales", {}).items(), key=lambda item: int(item[0]))


def render(results: dict) -> str:
    """The whole report."""
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "`python benchmarks/run_all.py` (or `make bench`) measures everything below and writes",
        "this file; `--quick` is the CI form (tests/test_benchmarks.py). The raw figures are in",
        "`benchmarks/out/results*.json` (`run_all.py --render FILE` re-renders this page).",
        "",
        "## Conditions",
        "",
        f"Run of {results['started']} – {results.get('finished', '?')}"
        + (f" on commit `{results['commit']}`" if results.get("commit") else "")
        + (" (**quick mode**)" if results.get("quick") else "")
        + ".",
        "",
        *_load_run_note(results),
        *[line for note in results.get("notes", []) for line in (f"Note: {note}", "")],
        f"- Machine: {m['cores']} cores, {m['cpu']}, {m['memory_gib']} GiB RAM, {m['os']};",
        f"  Python {m['python']}, DuckDB {m['duckdb']}, pandas {m['pandas']}, "
        f"Streamlit {m['streamlit']}.",
        "- Anything else running on the two cores slows the wall-clock figures; the load",
        "  average at the start of each part is given below (1 / 5 / 15 minutes; 2.0 = both",
        "  cores busy; about 1.0 is the suite itself).",
        f"- `uptime` at the start: `{results.get('uptime_start', '')}`",
        f"- `uptime` at the end: `{results.get('uptime_end', '')}`",
        f"- Medians of {results['runs']} runs (warm KPI figures: of "
        f"{results['runs'] * results['warm_runs']} calls); sample data "
        f"`campaign.sample.write_sample(seed={results['seed']}, scale=N)`.",
        "",
    ]
    lines += _table(
        ["part", "load average at its start"],
        "---|---",
        (
            (name, " / ".join(f"{x:.2f}" for x in la))
            for name, la in results["load_average"].items()
        ),
    )
    lines += ["", *_targets(results), ""]
    for label, failure in results.get("failures", {}).items():
        lines.append(f"- **{label} failed**: `{failure.splitlines()[-1][:300]}`")
    if results.get("failures"):
        lines.append("")
    lines += _data_section(results)
    lines += _ingest_section(results)
    lines += _kpi_section(results)
    lines += _reference_section(results)
    lines += _pages_section(results)
    lines += _memory_section(results)
    lines += _load_section(results)
    lines += _findings(results)
    return "\n".join(lines).rstrip() + "\n"


def _load_run_note(results: dict) -> list[str]:
    other = results.get("load_run")
    if not other:
        return []
    return [
        f"The concurrent-viewer runs are from an earlier run of the suite, {other['started']} –",
        f"{other['finished']}"
        + (f" (commit `{other['commit']}`)" if other.get("commit") else "")
        + f"; `uptime` at its end: `{other.get('uptime_end', '')}`.",
        "",
    ]


def _targets(results: dict) -> list[str]:
    rows: list[tuple[str, str, str]] = []
    for scale, f in _scales(results):
        if "ingest" in f:
            ratio = f["ingest"]["speed_ratio"]
            rows.append(
                (
                    f"ingest ≥ 50% of bare `read_csv` speed, scale {scale}",
                    f"{ratio:.0%}",
                    _ok(ratio >= INGEST_MIN_RATIO),
                )
            )
    for scale, f in _scales(results):
        if ("kpis" in f and scale == "100") or ("kpis" in f and results.get("quick")):
            k = f["kpis"]
            rows.append(
                (
                    f"all KPIs warm < 50 ms, scale {scale}",
                    _ms(k["warm_ms"], 2),
                    _ok(k["warm_ms"] < KPI_WARM_MS),
                )
            )
            rows.append(
                (
                    f"all KPIs cold < 2 s, scale {scale}",
                    _ms(k["cold_ms"]),
                    _ok(k["cold_ms"] < KPI_COLD_MS),
                )
            )
    for scale, f in _scales(results):
        if "memory" in f and (scale == "100" or results.get("quick")):
            peak = f["memory"]["peak_mb"]
            rows.append(
                (f"peak memory < 2 GB, scale {scale}", _mb(peak), _ok(peak < PEAK_MEMORY_MB))
            )
    for scale, f in _scales(results):
        if "kpis" in f and "reference" in f:
            ours, theirs = f["kpis"], f["reference"]
            faster = ours["cold_ms"] / 1000 < theirs["total_s"]
            rows.append(
                (
                    f"faster than the pandas reference, scale {scale}",
                    f"cold {ours['cold_ms'] / 1000:.2f} s vs {theirs['total_s']:.2f} s",
                    _ok(faster),
                )
            )
            agree = not theirs["problems"]
            rows.append(
                (
                    f"pandas reference agrees, scale {scale}",
                    f"{theirs['compared'] - len(theirs['problems'])}/{theirs['compared']} figures",
                    _ok(agree),
                )
            )
    for name, run in results.get("load", {}).items():
        p95 = run["reruns"].get("p95_ms")
        sessions = run["plan"]["sessions"]
        held = p95 is not None and p95 < LOAD_P95_MS and run["errors"] == 0
        rows.append(
            (
                f"{sessions} sessions: p95 rerun < 1.5 s, no errors — {name}",
                f"p95 {_ms(p95)}, {run['errors']} errors",
                # Not the shipped settings: shown to say what the setting is worth.
                "comparison" if name == STREAMLIT_GC_RUN else _ok(held),
            )
        )
        memory = run.get("memory")
        if memory and run["plan"]["waves"] > 1:
            waves = memory["waves"]
            rows.append(
                (
                    f"memory stable over {run['elapsed_s'] / 60:.0f} min — {name}",
                    f"RSS {memory['rss_before_mb'][0]:.0f} MB before, "
                    f"{memory['rss_peak_mb'][0]:.0f} peak, after each wave "
                    + ", ".join(f"{w['rss_after_gap_mb'][0]:.0f}" for w in waves)
                    + f", {memory['rss_end_mb'][0]:.0f} at the end",
                    "see below",
                )
            )
    return ["## Targets", "", *_table(["target", "measured", ""], "---|---|---", rows)]


def _data_section(results: dict) -> list[str]:
    rows = []
    for scale, f in _scales(results):
        r = f["rows"]
        rows.append(
            (
                scale,
                f"{f['total_rows']:,}",
                f"{r['financing']:,}",
                f"{r['orders']:,}",
                f"{r['mediation']:,}",
                f"{r['talent']:,}",
                f"{f.get('ingest', {}).get('mb', 0):,.0f} MB" if "ingest" in f else "–",
            )
        )
    if not rows:
        return []
    return [
        "## Data",
        "",
        "The sample data folder at each scale: 31 CSV files of the seven kinds, 2019-01 to",
        "2022-09, as districts send them (English and Chinese headers, two GB18030 files, a",
        "BOM, other date spellings, thousands separators); rows loaded:",
        "",
        *_table(
            ["scale", "rows", "financing", "orders", "mediation", "talent", "CSV size"],
            "---:|---:|---:|---:|---:|---:|---:",
            rows,
        ),
        "",
    ]


def _ingest_section(results: dict) -> list[str]:
    rows = []
    for scale, f in _scales(results):
        for key, label in (("ingest", "all 31 files"), ("ingest_utf8", "UTF-8 files only")):
            if key not in f:
                continue
            i = f[key]
            b, full = i["bare"], i["full"]
            rows.append(
                (
                    scale,
                    label,
                    f"{full['rows']:,}",
                    f"{i['mb']:,.0f}",
                    f"{b['seconds']:.2f} s",
                    f"{b['rows_per_s']:,.0f}",
                    f"{b['mb_per_s']:.1f}",
                    f"{full['seconds']:.2f} s",
                    f"{full['rows_per_s']:,.0f}",
                    f"{full['mb_per_s']:.1f}",
                    f"**{i['speed_ratio']:.0%}**",
                    _mb(full["peak_mb"]),
                )
            )
    if not rows:
        return []
    return [
        "## Ingestion",
        "",
        "Each run in a fresh process: **bare** = DuckDB `read_csv` (auto-detect) of every file",
        "into a table of a file database; **ours** = `campaign.storage.build_database`: read,",
        "check every cell against the contracts, write the typed rows, file reports and issues;",
        "the two alternate (bare, ours, bare, ours, ...) so a drift in the machine hits both.",
        "DuckDB 2.0's `read_csv` cannot decode GB18030 without the `encodings` extension (a",
        "download at run time), so the bare path converts the two GB18030 files to UTF-8 in",
        "Python first, as our reader does; the *UTF-8 files only* rows compare the other 29",
        "files on both sides, like with like. Speed = rows/s (ours ÷ bare); target ≥ 50%.",
        "",
        *_table(
            [
                "scale",
                "files",
                "rows",
                "MB",
                "bare",
                "rows/s",
                "MB/s",
                "ours",
                "rows/s",
                "MB/s",
                "ours ÷ bare",
                "peak memory (ours)",
            ],
            "---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:",
            rows,
        ),
        "",
        "The peak memory of `build_database` is also what a dashboard process adds while it",
        "rebuilds after an upload.",
        "",
    ]


def _kpi_section(results: dict) -> list[str]:
    rows = []
    for scale, f in _scales(results):
        if "kpis" not in f:
            continue
        k = f["kpis"]
        rows.append(
            (
                scale,
                f"{f['total_rows']:,}",
                k["as_of"],
                f"**{_ms(k['cold_ms'])}** (CPU {_ms(k['cold_cpu_ms'])})",
                f"**{_ms(k['warm_ms'], 2)}** (max {_ms(k['warm_max_ms'], 1)})",
                _ms(k["warm_city_ms"], 2),
            )
        )
    if not rows:
        return []
    return [
        "## KPIs",
        "",
        "All 18 KPIs for 全市 and each of the 11 districts (`engine.all_scorecards`, 216",
        "results). **Cold**: a new Python process, a new `KpiEngine(data, queries,",
        "persist_facts=False)` on the built database: opens it and runs every KPI query (imports",
        "not timed); CPU time beside it (DuckDB's threads included) moves less with the other",
        "work on the machine. **Warm**: the same call again on that engine (the cache), and the",
        "city's scorecard alone. Details and the other cases (another month, after a restart,",
        "the ranking): `benchmarks/bench_kpis.py`, docs/benchmarks-kpi.md.",
        "",
        *_table(
            ["scale", "rows", "as of", "cold", "warm: all scopes", "warm: city"],
            "---:|---:|---|---:|---:|---:",
            rows,
        ),
        "",
    ]


def _reference_section(results: dict) -> list[str]:
    rows = []
    for scale, f in _scales(results):
        if "reference" not in f:
            continue
        r = f["reference"]
        k = f.get("kpis", {})
        cold = k.get("cold_ms")
        warm = k.get("warm_ms")
        rows.append(
            (
                scale,
                f"{r['read_s']:.2f} s",
                f"{r['compute_s']:.2f} s",
                f"**{r['total_s']:.2f} s**",
                "–" if cold is None else f"{cold / 1000:.2f} s",
                "–" if cold is None else f"{r['total_s'] * 1000 / cold:.0f}×",
                "–" if cold is None else f"{r['compute_s'] * 1000 / cold:.1f}×",
                "–" if warm is None else f"{r['total_s'] * 1000 / warm:,.0f}×",
                f"{r['compared'] - len(r['problems'])} / {r['compared']}",
            )
        )
    if not rows:
        return []
    lines = [
        "## Against a plain pandas implementation",
        "",
        "`benchmarks/pandas_reference.py` computes the same 18 KPIs with pandas alone:",
        "`read_csv` of the extract files (encodings, Chinese headers, date spellings and",
        "thousands separators handled with pandas; only the column names come from",
        "`campaign.contracts`), then filter and group per KPI, for the city and every district:",
        "`actual` and `last_year` at the engine's default as-of date, compared with the engine",
        "within 1e-9 relative. Timed in a fresh process per run: reading, and computing the",
        "KPIs from the frames in memory. The ratios are pandas ÷ ours: what the built database",
        "(read once, when the data changes) and the caches buy; *compute only* leaves pandas'",
        "CSV reading out and compares its in-memory work with our cold start.",
        "",
        *_table(
            [
                "scale",
                "pandas: read",
                "KPIs",
                "total",
                "ours, cold",
                "pandas ÷ ours cold",
                "compute only ÷ ours cold",
                "pandas ÷ ours warm",
                "figures agreeing",
            ],
            "---:|---:|---:|---:|---:|---:|---:|---:|---:",
            rows,
        ),
        "",
    ]
    for scale, f in _scales(results):
        for problem in f.get("reference", {}).get("problems", [])[:10]:
            lines.append(f"- scale {scale}: {problem}")
    return [*lines, ""]


def _pages_section(results: dict) -> list[str]:
    rows = []
    for scale, f in _scales(results):
        pages = f.get("pages")
        if not pages:
            continue
        for page in PAGES:
            if page not in pages:
                continue
            p = pages[page]
            rows.append(
                (
                    scale,
                    page,
                    _ms(p["first_run_ms"]),
                    f"**{_ms(p['warm']['median_ms'])}**",
                    _ms(p["warm"]["p90_ms"]),
                )
            )
    if not rows:
        return []
    return [
        "## Pages",
        "",
        "Each page's script under Streamlit's `AppTest` (`bench_pages.bench_server`: the same",
        "ScriptRunner a browser session uses, plus AppTest's bookkeeping), on a copy of the",
        "sample folder with no KPI facts on disk. *First*: the page's first run in a new",
        "process — for the overview, which comes first, that includes computing every KPI;",
        "*warm*: later runs of the same view. Browser page loads: docs/benchmarks-ui.md.",
        "",
        *_table(
            ["scale", "page", "first run", "warm median", "warm p90"],
            "---:|---|---:|---:|---:",
            rows,
        ),
        "",
    ]


def _memory_section(results: dict) -> list[str]:
    rows = []
    for scale, f in _scales(results):
        mem = f.get("memory")
        if not mem:
            continue
        build = f.get("ingest", {}).get("full", {}).get("peak_mb")
        rows.append(
            (
                scale,
                _mb(mem["idle_mb"]),
                f"{mem['first_visit_s']:.1f} s",
                _mb(mem["after_first_visit_mb"]),
                _mb(mem["after_viewers_mb"]),
                f"**{_mb(mem['peak_mb'])}**",
                _mb(build),
            )
        )
    if not rows:
        return []
    return [
        "## Memory of the dashboard process",
        "",
        "`benchmarks/bench_memory.py`: `streamlit run dashboard.py` on a mirror of the sample",
        "folder (its extracts and built database, no KPI facts on disk, so the process computes",
        "every KPI itself, as after an upload); one viewer opens the four pages (overview, KPI,",
        "districts, data), then 5 viewers change filters and pages for a while. RSS from",
        "`/proc/<pid>/status`; **peak** is the kernel's high-water mark (`VmHWM`) of the whole",
        "run. A rebuild after an upload happens in the dashboard process too: its own peak is",
        "the ingestion figure in the last column (measured alone, in a fresh process).",
        "",
        *_table(
            [
                "scale",
                "idle",
                "first visit of every page",
                "RSS after it",
                "after 5 viewers",
                "peak",
                "rebuild peak (ingestion)",
            ],
            "---:|---:|---:|---:|---:|---:|---:",
            rows,
        ),
        "",
    ]


def _load_section(results: dict) -> list[str]:
    load = results.get("load", {})
    if not load:
        return []
    rows = []
    for name, run in load.items():
        r, o = run["reruns"], run["opens"]
        memory = run.get("memory", {})
        rows.append(
            (
                name,
                f"{run['viewers']}",
                f"{r.get('count', 0):,} ({run['reruns_per_s']}/s)",
                _ms(r.get("p50_ms")),
                f"**{_ms(r.get('p95_ms'))}**",
                _ms(r.get("max_ms")),
                _ms(o.get("p95_ms")),
                str(run["errors"]),
                _ms(memory.get("cpu_ms_per_run")),
                " / ".join(f"{x:.1f}" for x in run.get("load_average", [])) or "–",
            )
        )
    first = next(iter(load.values()))
    plan = first["plan"]
    lines = [
        "## Concurrent viewers",
        "",
        "`benchmarks/loadtest.py` opens real Streamlit sessions over the websocket protocol",
        "(`streamlit.proto` BackMsg/ForwardMsg, as the browser's frontend: the page's GET, the",
        "websocket, a `rerun_script` with the link, then widget changes). Each viewer changes",
        "the as-of month, the scope, the year, the page (overview / KPI / districts / data) or",
        f"the KPI, one thing every {plan['think'][0]:g}–{plan['think'][1]:g} s (uniformly random);",
        "the viewers arrive within "
        f"{plan['ramp']:g} s. A rerun's latency is from sending the change to the script-finished",
        "message. The data: the sample folder at scale 1 (the shipped `data/`), on a mirror with",
        "no KPI facts on disk, so the first viewers' first loads include computing every KPI —",
        "once, shared by all sessions (`st.cache_resource` engine), not once per viewer.",
        "*CPU per run*: the dashboard processes' CPU time divided by the script runs they served",
        "(what one click costs, whatever else loads the machine).",
        "",
        *_table(
            [
                "run",
                "viewers",
                "reruns",
                "p50",
                "p95",
                "max",
                "first load p95",
                "errors",
                "server CPU per run",
                "load average at its end",
            ],
            "---|---:|---:|---:|---:|---:|---:|---:|---:|---:",
            rows,
        ),
        "",
    ]
    for name, run in load.items():
        by_page = run.get("by_page", {})
        cells = [
            f"{page} p50 {s['p50_ms']:,.0f} / p95 {s['p95_ms']:,.0f} ms"
            for page, s in by_page.items()
            if s.get("count")
        ]
        if cells:
            lines.append(f"- {name}: " + "; ".join(cells) + ".")
        for example in run.get("error_examples", [])[:3]:
            lines.append(f"  - error: `{example}`")
    for name, run in load.items():
        memory = run.get("memory")
        plan = run["plan"]
        if not memory or plan["waves"] < 2:
            continue
        lines += [
            "",
            f"### Memory over the run: {name}",
            "",
            f"{plan['waves']} waves of {plan['sessions']} viewers, each wave "
            f"{plan['wave_seconds']:g} s, {plan['gap']:g} s apart; then {plan['settle']:g} s "
            "with no viewer (Streamlit keeps a closed session for",
            "`server.disconnectedSessionTTL` = 300 s in case its tab reconnects, then drops it).",
            "",
        ]
        rows = [("before the first viewer", _mb(memory["rss_before_mb"][0]))]
        for wave in memory["waves"]:
            rows.append(
                (f"wave {wave['wave']}: its viewers just closed", _mb(wave["rss_at_close_mb"][0]))
            )
            rows.append((f"wave {wave['wave']}: after the gap", _mb(wave["rss_after_gap_mb"][0])))
        rows.append(("peak sample", _mb(memory["rss_peak_mb"][0])))
        rows.append(("end (all closed sessions expired)", _mb(memory["rss_end_mb"][0])))
        rows.append(("VmHWM (kernel high-water mark)", _mb(memory["hwm_end_mb"][0])))
        lines += _table(["when", "server RSS"], "---|---:", rows)
    return [*lines, ""]


def _cpu_per_run(results: dict, name: str) -> float | None:
    return results.get("load", {}).get(name, {}).get("memory", {}).get("cpu_ms_per_run")


def _findings(results: dict) -> list[str]:
    """What the figures say about the concurrent viewers (numbers from this run)."""
    load = results.get("load", {})
    if not load or results.get("quick"):
        return []
    shipped = _cpu_per_run(results, "one process")
    default_gc = _cpu_per_run(results, STREAMLIT_GC_RUN)
    lines = ["## Where the time goes", ""]
    if shipped and default_gc:
        lines += [
            "- **Streamlit's full garbage collection after every script run.** Streamlit calls",
            "  `gc.collect(2)` at the end of each run (`runner.postScriptGC`, on by default). With",
            "  the engine's caches, pandas and Altair in the heap a full collection is expensive,",
            "  and it holds the GIL, so every other session waits. Measured here: "
            f"{default_gc:.0f} ms",
            f"  of server CPU per script run with it, {shipped:.0f} ms as shipped (without it);",
            "  `.streamlit/config.toml` turns it off. Python's own generational collector still",
            "  runs, and the memory table above shows the process flat over the waves.",
        ]
    lines += [
        "- **What a rerun costs, and what was cut.** A profile of four busy sessions (cProfile",
        "  around the script) showed three costs beside the page's own work: (1) looking at",
        "  the files for changes: about 400 `stat` calls per run (every extract, query file and",
        "  planning file, looked at four times), each releasing the GIL, which under",
        "  contention costs a thread switch; now each process looks at most every 2 s and",
        "  once per extract (`KpiEngine(recheck_seconds=...)`);",
        "  what the process changes itself (an upload, a KPI edit) is seen at once;",
        "  (2) building each Altair chart and validating it against the Vega-Lite schema on",
        "  every run: the specs are now made once per distinct input, shared by every",
        "  session, their data already in Arrow form; (3) nine `st.Page` objects per run, each",
        "  resolving its script on disk: now made once per session.",
    ]
    two = load.get("nginx, two processes")
    one = load.get("nginx, one process")
    if two and one:
        lines += [
            "- **One process uses one core.** Script runs are Python and share one GIL; two",
            "  processes behind nginx (sticky cookie) use both cores: "
            f"{two['reruns_per_s']} reruns/s with p95 {_ms(two['reruns'].get('p95_ms'))}",
            f"  against {one['reruns_per_s']} reruns/s with p95 "
            f"{_ms(one['reruns'].get('p95_ms'))} for one process. Each process holds its own",
            "  engine and computes the KPIs once for itself, all reading the one built database",
            "  read-only; the process that rebuilds after an upload writes a new file and",
            "  renames the pointer to it, so readers see the old or the new database, never a",
            "  half-built one.",
        ]
    sequences = [
        (name, [w["rss_after_gap_mb"][0] for w in run["memory"]["waves"]])
        for name, run in load.items()
        if run.get("memory") and run["plan"]["waves"] > 1
    ]
    if sequences:
        lines += [
            "- **Memory over many sessions.** After each wave of viewers the server's RSS went "
            + "; ".join(
                f"{' → '.join(f'{x:.0f}' for x in rss)} MB ({name})" for name, rss in sequences
            )
            + ": the engine's caches and the chart specs are bounded (LRU) and fill as",
            "  viewers visit new combinations; nothing is kept per closed session.",
        ]
    lines.append("")
    return lines
