"""Where the command line connects and how it authenticates: flags, then ``KALTURA_*``."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from .._errors import KalturaValidationError
from ..regions import DEFAULT_SERVICE_URL

if TYPE_CHECKING:
    from .._client import KalturaClient

__all__ = ["Settings", "UsageError"]


class UsageError(KalturaValidationError):
    """A command line found wrong before any I/O: the command exits 2, as argparse does."""


@attrs.frozen(kw_only=True)
class Settings:
    """Where to connect and how to authenticate; secrets are kept out of ``repr``."""

    service_url: str | None = None
    partner_id: int | None = None
    admin_secret: str | None = attrs.field(default=None, repr=False)
    ks: str | None = attrs.field(default=None, repr=False)
    user_id: str = ""
    #: retries of a failed request (``RetryPolicy.max_retries``); None: the SDK's default
    retries: int | None = None

    @classmethod
    def resolve(
        cls, args: argparse.Namespace, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Flags first, then the ``KALTURA_*`` environment variables."""
        env = os.environ if environ is None else environ

        def pick(flag: str, var: str) -> str | None:
            value = getattr(args, flag, None)
            if value in (None, ""):
                value = env.get(var) or None
            return value

        partner = pick("partner_id", "KALTURA_PARTNER_ID")
        partner_id: int | None = None
        if partner is not None:
            try:
                partner_id = int(partner)
            except ValueError:
                raise UsageError(
                    "partner id must be an integer (--partner-id or KALTURA_PARTNER_ID)",
                    field="partner_id",
                ) from None
        service_url = pick("service_url", "KALTURA_SERVICE_URL")
        if service_url is not None:
            from .._client import normalize_service_url

            try:
                normalize_service_url(service_url)
            except KalturaValidationError as exc:
                raise UsageError(
                    f"{exc} (--service-url or KALTURA_SERVICE_URL)", field="service_url"
                ) from None
        return cls(
            service_url=service_url,
            partner_id=partner_id,
            admin_secret=pick("admin_secret", "KALTURA_ADMIN_SECRET"),
            ks=pick("ks", "KALTURA_KS"),
            user_id=pick("user_id", "KALTURA_USER_ID") or "",
            retries=getattr(args, "retries", None),
        )

    @property
    def has_credentials(self) -> bool:
        return self.ks is not None or (
            self.admin_secret is not None and self.partner_id is not None
        )

    def require_account(self, command: str) -> None:
        """Refuse, before any I/O, a ``command`` with nothing configured to connect to.

        With neither a service URL nor credentials the command would go to the public
        Kaltura service without a KS; credentials alone mean that service (as ``demo`` does),
        a service URL alone is used without a KS (actions that need none, e.g. system.ping).
        Raises :class:`UsageError` naming what to set."""
        if self.service_url is None and not self.has_credentials:
            raise UsageError(
                f"{command} needs an account: set KALTURA_SERVICE_URL and KALTURA_PARTNER_ID "
                "with KALTURA_ADMIN_SECRET or KALTURA_KS (or --service-url, --partner-id, "
                "--admin-secret, --ks); 'kaltura-async emulator' serves a local one",
                field="service_url",
            )
        if self.admin_secret is not None and self.ks is None and self.partner_id is None:
            raise UsageError(
                "an admin secret needs a partner id (--partner-id or KALTURA_PARTNER_ID)",
                field="partner_id",
            )

    def client(self) -> KalturaClient:
        """A ``KalturaClient`` for these settings (a local KS from the admin secret)."""
        from .._client import KalturaClient
        from .._config import RetryPolicy
        from .._session import SecretKSProvider

        url = self.service_url or DEFAULT_SERVICE_URL
        retry = None if self.retries is None else RetryPolicy(max_retries=self.retries)
        if self.ks is not None:
            return KalturaClient(url, partner_id=self.partner_id, ks=self.ks, retry=retry)
        if self.admin_secret is not None:
            if self.partner_id is None:
                raise KalturaValidationError(
                    "an admin secret needs a partner id (--partner-id or KALTURA_PARTNER_ID)",
                    field="partner_id",
                )
            provider = SecretKSProvider(
                self.admin_secret, self.partner_id, user_id=self.user_id, type=2
            )
            return KalturaClient(url, partner_id=self.partner_id, ks_provider=provider, retry=retry)
        return KalturaClient(url, partner_id=self.partner_id, retry=retry)
