"""Google service-account auth as the sandbox plays it: a key file in Google's shape, RS256 JWT assertions.

The platform signs a JWT with the key file's private key and posts it to `token_uri`
(grant_type urn:ietf:params:oauth:grant-type:jwt-bearer); the sandbox checks the signature against the
service account's public key and the claims (iss, aud, scope, iat, exp), and answers with a bearer token.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SHEETS_SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets.readonly",
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive.readonly",
)
MAX_ASSERTION_SECONDS = 3600  # Google refuses assertions valid for longer than an hour


class AuthError(Exception):
    """Why an assertion was refused; `error` is the OAuth error code."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class ServiceAccount:
    client_email: str
    private_key_id: str
    private_key_pem: str
    public_key_pem: str
    project_id: str = "council-sandbox"

    def key_json(self, token_uri: str) -> dict[str, Any]:
        """The key file Google hands out for a service account, with the token endpoint pointing at the sandbox."""
        return {
            "type": "service_account",
            "project_id": self.project_id,
            "private_key_id": self.private_key_id,
            "private_key": self.private_key_pem,
            "client_email": self.client_email,
            "client_id": str(int(self.private_key_id[:15], 16)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{self.client_email}",
            "universe_domain": "googleapis.com",
        }

    def write_key_file(self, path: Path, token_uri: str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.key_json(token_uri), indent=2))
        path.chmod(0o600)  # it holds a private key
        return path


def new_service_account(name: str = "repairs-reader", project_id: str = "council-sandbox") -> ServiceAccount:
    """A fresh RSA key pair (not seeded: keys are not data, and a fixed private key would be a published secret)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    key_id = hashlib.sha1(public_pem.encode()).hexdigest()  # noqa: S324 - an identifier, not a security hash
    return ServiceAccount(f"{name}@{project_id}.iam.gserviceaccount.com", key_id, private_pem, public_pem, project_id)


def sign_assertion(key: dict[str, Any], scope: str = SHEETS_SCOPES[0], now: float | None = None,
                   lifetime: int = 3600) -> str:  # fmt: skip
    """What a client does with the key file (for tests and demos; the platform has its own client)."""
    issued = int(now if now is not None else time.time())
    claims = {"iss": key["client_email"], "scope": scope, "aud": key["token_uri"], "iat": issued,
              "exp": issued + lifetime}  # fmt: skip
    return jwt.encode(claims, key["private_key"], algorithm="RS256", headers={"kid": key["private_key_id"]})


def verify_assertion(assertion: str, account: ServiceAccount, audience: str, now: float, leeway: int = 60) -> dict:
    """The claims of a valid assertion, or AuthError saying what is wrong."""
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.InvalidTokenError as exc:
        raise AuthError("invalid_grant", f"Invalid JWT: {exc}") from exc
    if header.get("alg") != "RS256":
        raise AuthError("invalid_grant", "Invalid JWT: algorithm must be RS256")
    try:
        claims = jwt.decode(
            assertion, account.public_key_pem, algorithms=["RS256"], audience=audience,
            options={"require": ["iss", "aud", "iat", "exp"], "verify_exp": False, "verify_iat": False},
        )  # fmt: skip
    except jwt.InvalidAudienceError as exc:
        raise AuthError("invalid_grant", f"Invalid JWT audience: expected {audience}") from exc
    except jwt.InvalidSignatureError as exc:
        raise AuthError("invalid_grant", "Invalid JWT Signature.") from exc
    except jwt.InvalidTokenError as exc:
        raise AuthError("invalid_grant", f"Invalid JWT: {exc}") from exc
    if claims["iss"] != account.client_email:
        raise AuthError("invalid_grant", "Invalid email or User ID")
    iat, exp = int(claims["iat"]), int(claims["exp"])
    if exp <= now - leeway or iat > now + leeway:
        raise AuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe")
    if exp - iat > MAX_ASSERTION_SECONDS:
        raise AuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes)")
    scopes = set(str(claims.get("scope", "")).split())
    if not scopes & set(SHEETS_SCOPES):
        raise AuthError("invalid_scope", "No valid scope for the Sheets API was requested")
    return claims
