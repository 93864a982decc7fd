"""Handlers of the host DocTypes' document events (hooks.py `doc_events`), one module per DocType."""
