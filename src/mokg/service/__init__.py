"""The web service: FastAPI over one :class:`mokg.store.Store`.

``create_app`` builds the application (:mod:`mokg.service.app`); ``serve`` runs it with uvicorn,
with the connection limits a public server needs (:mod:`mokg.service.server`).
"""

from mokg.service.app import create_app
from mokg.service.server import serve

__all__ = ["create_app", "serve"]
