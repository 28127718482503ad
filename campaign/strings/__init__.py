"""Sections of the one string catalog; :mod:`campaign.i18n` merges them."""
