"""The vendor's request signing, as the vendor documents it, implemented independently of the ingestion code.

t = London local time as YYYYMMDDHHMM; token = hex SHA-256(public_key + t);
X-Hash = base64(hex HMAC-SHA256(key=private_key, msg=token)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_minute(moment: datetime) -> str:
    """The signing time string: the moment in Europe/London (BST applies), to the minute."""
    return moment.astimezone(LONDON).strftime("%Y%m%d%H%M")


def signature(public_key: str, private_key: str, minute: str) -> str:
    token = hashlib.sha256((public_key + minute).encode()).hexdigest()
    digest = hmac.new(private_key.encode(), token.encode(), hashlib.sha256).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def accepted_signatures(public_key: str, private_key: str, now: datetime, skew_minutes: int = 1) -> set[str]:
    """Every X-Hash accepted at `now`: clocks may be up to `skew_minutes` apart either way."""
    return {
        signature(public_key, private_key, london_minute(now + timedelta(minutes=offset)))
        for offset in range(-skew_minutes, skew_minutes + 1)
    }


def headers(public_key: str, private_key: str, now: datetime) -> dict[str, str]:
    """Headers a client sends; for tests and manual use of the sandbox."""
    return {
        "X-Public": public_key,
        "X-Hash": signature(public_key, private_key, london_minute(now)),
        "Content-Type": "application/json",
    }
