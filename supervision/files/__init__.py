"""The one private file store: every upload of the portal goes through ``store.py``."""
