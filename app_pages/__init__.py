"""One thin script per page: inputs -> one call for data -> display. Shared helpers in common.py."""
