"""Where the command line finds the data folder and the KPI queries.

One rule for every command (``campaign kpis``, ``rank``, ``check``, ``brief``, ``validate``),
so the installed ``campaign`` command works from any folder:

- data: ``--data DIR``, else ``$CAMPAIGN_DATA``, else ``./data``;
- queries: ``--queries DIR``, else ``$CAMPAIGN_QUERIES``, else a ``queries`` folder beside the
  data folder (the repository's ``queries/`` for ``./data``, ``/var/lib/campaign-kpi/queries``
  on the server), else the queries shipped inside the package (``campaign/queries``, the same
  files as the repository's ``queries/``).
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "CAMPAIGN_DATA"
QUERIES_ENV = "CAMPAIGN_QUERIES"
DEFAULT_DATA = "data"
QUERIES_HELP = (
    "KPI queries (default: $CAMPAIGN_QUERIES, else queries/ beside the data folder,"
    " else the ones shipped with the package)"
)

# The repository's queries/, shipped in the wheel as package data (campaign/queries is a
# link to ../queries in the source tree, and a copy in an installed package).
SHIPPED_QUERIES = Path(__file__).resolve().parent / "queries"


def data_dir(given: str | None) -> Path:
    """The data folder: the one given, else ``$CAMPAIGN_DATA``, else ``./data``."""
    return Path(given or os.environ.get(DATA_ENV) or DEFAULT_DATA)


def queries_dir(given: str | None, data: Path) -> Path:
    """The KPI queries for ``data``: given, ``$CAMPAIGN_QUERIES``, beside the data, shipped."""
    chosen = given or os.environ.get(QUERIES_ENV)
    if chosen:
        return Path(chosen)
    beside = data.absolute().parent / "queries"
    if beside.is_dir():
        return beside
    return SHIPPED_QUERIES


def folders(
    given_data: str | None, given_queries: str | None, lang: str
) -> tuple[Path, Path] | str:
    """The data and queries folders for a command, or the message saying which is missing."""
    from campaign.i18n import t

    data = data_dir(given_data)
    if not data.is_dir():
        return t("kpi.cli.no_data_dir", lang, path=data.absolute())
    queries = queries_dir(given_queries, data)
    if not queries.is_dir():
        return t("kpi.cli.no_queries_dir", lang, path=queries.absolute())
    return data, queries
