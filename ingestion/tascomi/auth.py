"""Tascomi request signing: every request carries X-Public and an X-Hash derived from London time."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from core.settings import LONDON


def london_minute(now: datetime | None = None) -> str:
    """The vendor signs with London wall-clock time (BST applies) at minute resolution."""
    moment = now.astimezone(LONDON) if now else datetime.now(LONDON)
    return moment.strftime("%Y%m%d%H%M")


def signature(public_key: str, private_key: str, minute: str) -> str:
    token = hashlib.sha256((public_key + minute).encode()).hexdigest()
    digest = hmac.new(private_key.encode(), token.encode(), hashlib.sha256).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def auth_headers(public_key: str, private_key: str, now: datetime | None = None) -> dict[str, str]:
    return {
        "X-Public": public_key,
        "X-Hash": signature(public_key, private_key, london_minute(now)),
        "Content-Type": "application/json",
    }
