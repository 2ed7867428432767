"""Worker configuration from the environment: where Kaltura and Redis are, and the app token.

Workers authenticate with an app token (``appToken.startSession``), never with the admin
secret: a worker machine that leaks its configuration leaks a token that can be revoked
alone and whose privileges the token itself limits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from ..._errors import KalturaValidationError

if TYPE_CHECKING:
    from ..._client import KalturaClient

__all__ = ["DEFAULT_REDIS_URL", "WorkerSettings", "redis_url_from_env"]

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

#: Environment variables a worker reads (the ``KALTURA_*`` ones follow Kaltura's guides).
ENV_SERVICE_URL = "KALTURA_SERVICE_URL"
ENV_PARTNER_ID = "KALTURA_PARTNER_ID"
ENV_APP_TOKEN_ID = "KALTURA_APP_TOKEN_ID"
ENV_APP_TOKEN = "KALTURA_APP_TOKEN"
ENV_APP_TOKEN_HASH = "KALTURA_APP_TOKEN_HASH"
ENV_REDIS_URL = "KALTURA_ASYNC_REDIS_URL"
ENV_CONCURRENCY = "KALTURA_ASYNC_CONCURRENCY"
ENV_LOCK_TTL = "KALTURA_ASYNC_LOCK_TTL"
ENV_REDELIVER_AFTER = "KALTURA_ASYNC_REDELIVER_AFTER"


def redis_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get(ENV_REDIS_URL) or DEFAULT_REDIS_URL


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise KalturaValidationError(f"{name} must be a number, got {raw!r}", field=name) from None
    if not value > 0:
        raise KalturaValidationError(f"{name} must be > 0", field=name)
    return value


@attrs.frozen(kw_only=True)
class WorkerSettings:
    """What one worker process needs. The app token value is kept out of ``repr``.

    ``concurrency`` bounds the Kaltura calls one worker process runs at once;
    ``lock_ttl`` is how long (seconds) a job's Redis lock outlives a worker that died
    holding it (a live worker extends it every third of that); ``redeliver_after`` is how
    long (seconds) a job delivered to a worker may stay unacknowledged before another
    worker takes it over. Keep ``redeliver_after`` above ``lock_ttl``.
    """

    service_url: str
    partner_id: int
    app_token_id: str
    app_token: str = attrs.field(repr=False)
    app_token_hash: str = "SHA256"
    redis_url: str = DEFAULT_REDIS_URL
    concurrency: int = 8
    lock_ttl: float = 60.0
    redeliver_after: float = 600.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WorkerSettings:
        """``KALTURA_SERVICE_URL``, ``KALTURA_PARTNER_ID``, ``KALTURA_APP_TOKEN_ID``,
        ``KALTURA_APP_TOKEN`` (and ``KALTURA_APP_TOKEN_HASH``, default SHA256), then the
        ``KALTURA_ASYNC_*`` tuning variables. Raises :class:`KalturaValidationError` when one
        is missing or when ``KALTURA_ADMIN_SECRET`` is set: workers must not hold it."""
        env = os.environ if environ is None else environ
        if env.get("KALTURA_ADMIN_SECRET"):
            raise KalturaValidationError(
                "a worker authenticates with an app token; unset KALTURA_ADMIN_SECRET on "
                "worker machines",
                field="KALTURA_ADMIN_SECRET",
            )
        missing = [
            name
            for name in (ENV_SERVICE_URL, ENV_PARTNER_ID, ENV_APP_TOKEN_ID, ENV_APP_TOKEN)
            if not env.get(name)
        ]
        if missing:
            raise KalturaValidationError(
                f"worker configuration missing: {', '.join(missing)}", field=missing[0]
            )
        try:
            partner_id = int(env[ENV_PARTNER_ID])
        except ValueError:
            raise KalturaValidationError(
                f"{ENV_PARTNER_ID} must be an integer", field=ENV_PARTNER_ID
            ) from None
        concurrency = _positive(env, ENV_CONCURRENCY, 8)
        if concurrency != int(concurrency):
            raise KalturaValidationError(
                f"{ENV_CONCURRENCY} must be an integer", field=ENV_CONCURRENCY
            )
        return cls(
            service_url=env[ENV_SERVICE_URL],
            partner_id=partner_id,
            app_token_id=env[ENV_APP_TOKEN_ID],
            app_token=env[ENV_APP_TOKEN],
            app_token_hash=env.get(ENV_APP_TOKEN_HASH) or "SHA256",
            redis_url=redis_url_from_env(env),
            concurrency=int(concurrency),
            lock_ttl=_positive(env, ENV_LOCK_TTL, 60.0),
            redeliver_after=_positive(env, ENV_REDELIVER_AFTER, 600.0),
        )

    def client(self) -> KalturaClient:
        """A client whose KS comes from the app token (renewed before it expires)."""
        from ..._client import KalturaClient
        from ..._session import AppTokenKSProvider

        provider = AppTokenKSProvider(
            self.app_token_id,
            self.app_token,
            hash_type=self.app_token_hash,
            partner_id=self.partner_id,
        )
        return KalturaClient(
            self.service_url,
            partner_id=self.partner_id,
            ks_provider=provider,
            max_concurrency=self.concurrency,
        )
