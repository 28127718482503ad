"""攻势看板: `streamlit run dashboard.py`.

The frame (``app_pages/_ui.py: frame``) declares the navigation over the page scripts in
``app_pages/``, draws the sidebar filters every page shares (year, as-of month, scope,
language) and the header, and keeps the view in the URL; then the chosen page runs.
"""

from app_pages import _ui
from campaign.logs import configure_logging

configure_logging()  # sign-in events and errors reach the server log, with their time
_ui.frame().run()
