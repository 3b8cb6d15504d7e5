"""The JSON API (OpenAPI at /api/docs). Each domain app contributes one router."""

from ninja.security import django_auth

from susi.accounts.tokens import ApiTokenAuth
from susi.web.api_errors import Api, install_error_handlers

api = Api(
    title="SUSI Platform API",
    version="1",
    description="Interventions, initiatives, products, gate decisions, SØM, evidence and outcomes.",
    # a personal API token (Authorization: Bearer susi_…) or the browser session; the token is tried first so
    # that a token call without a session never meets the session's CSRF check
    auth=[ApiTokenAuth(), django_auth],
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", "susi.portfolio.api.router")
api.add_router("/som/", "susi.som.api.router")
api.add_router("/evidence/", "susi.evidence.api.router")
api.add_router("/outcomes/", "susi.outcomes.api.router")
api.add_router("/", "susi.rounds.api.router")
api.add_router("/", "susi.proposals.api.router")
api.add_router("/", "susi.programme.api.router")
api.add_router("/", "susi.notifications.api.router")
api.add_router("/knowledge/", "susi.knowledge.api.router")
