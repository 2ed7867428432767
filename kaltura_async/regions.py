"""The six regional Kaltura SaaS endpoints (Getting Started guide, section 4.1)."""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_SERVICE_URL", "REGIONS"]

#: region code -> Core API base URL (without the ``/api_v3`` suffix)
REGIONS: Final[dict[str, str]] = {
    "nvp1": "https://www.kaltura.com",  # US (default)
    "frp2": "https://api.de.kaltura.com",  # Frankfurt (DE)
    "irp2": "https://api.eu.kaltura.com",  # Ireland (EU)
    "sgp2": "https://api.sg.kaltura.com",  # Singapore
    "cap2": "https://api.ca.kaltura.com",  # Canada
    "syp2": "https://api.ap.kaltura.com",  # Australia
}

DEFAULT_SERVICE_URL: Final = REGIONS["nvp1"]
