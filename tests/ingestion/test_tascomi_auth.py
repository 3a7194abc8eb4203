"""Request signing, checked against an independent implementation (openssl) of the vendor's recipe."""

from __future__ import annotations

import base64
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from ingestion.tascomi.auth import auth_headers, london_minute, signature


def test_london_minute_follows_british_summer_time():
    assert london_minute(datetime(2025, 1, 15, 9, 30, tzinfo=UTC)) == "202501150930"
    assert london_minute(datetime(2025, 7, 15, 9, 30, tzinfo=UTC)) == "202507151030"  # BST: UTC+1


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_signature_matches_openssl():
    public, private, minute = "pub-key", "priv-key", "202507151030"
    token = subprocess.run(
        ["openssl", "dgst", "-sha256", "-r"], input=(public + minute).encode(), capture_output=True, check=True
    ).stdout.split()[0]
    mac = subprocess.run(
        ["openssl", "dgst", "-sha256", "-r", "-hmac", private], input=token, capture_output=True, check=True
    ).stdout.split()[0]
    assert signature(public, private, minute) == base64.b64encode(mac).decode()


def test_headers_carry_public_key_and_json_content_type():
    headers = auth_headers("pub", "priv", datetime(2025, 1, 1, tzinfo=UTC))
    assert headers["X-Public"] == "pub"
    assert headers["X-Hash"] == signature("pub", "priv", "202501010000")
    assert headers["Content-Type"] == "application/json"
    assert "priv" not in "".join(headers.values())
