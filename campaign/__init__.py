"""攻势看板 engine: extracts, storage, KPIs, charts and strings. No Streamlit imports here."""

__version__ = "0.1.0"
