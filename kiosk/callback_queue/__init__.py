"""Consult requests the clinic must never lose: validation, model, store, outbox, export.

Nothing here imports Qt. Import the submodules you need (``model``, ``validation``,
``store``, ``outbox``, ``export``, ``pg_listener``); this package keeps no re-exports so
that importing the light modules does not pull in SQLAlchemy.
"""
