"""WebAuthn ceremony options as the API sends them (the W3C JSON forms, base64url bytes)."""

from __future__ import annotations

from ninja import Field, Schema


class RelyingPartyOut(Schema):
    name: str
    id: str | None = None


class PasskeyUserOut(Schema):
    id: str = Field(description="base64url")
    name: str
    displayName: str


class CredentialParamOut(Schema):
    type: str
    alg: int = Field(description="COSE algorithm")


class CredentialRefOut(Schema):
    id: str = Field(description="base64url credential ID")
    type: str
    transports: list[str] | None = None


class AuthenticatorSelectionOut(Schema):
    authenticatorAttachment: str | None = None
    residentKey: str | None = None
    requireResidentKey: bool | None = None
    userVerification: str | None = None


class CreationOptionsOut(Schema):
    """PublicKeyCredentialCreationOptionsJSON, for ``navigator.credentials.create``."""

    rp: RelyingPartyOut
    user: PasskeyUserOut
    challenge: str = Field(description="base64url")
    pubKeyCredParams: list[CredentialParamOut]
    timeout: int | None = None
    excludeCredentials: list[CredentialRefOut] | None = None
    authenticatorSelection: AuthenticatorSelectionOut | None = None
    attestation: str | None = None
    hints: list[str] | None = None


class RequestOptionsOut(Schema):
    """PublicKeyCredentialRequestOptionsJSON, for ``navigator.credentials.get``."""

    challenge: str = Field(description="base64url")
    timeout: int | None = None
    rpId: str | None = None
    allowCredentials: list[CredentialRefOut] | None = None
    userVerification: str | None = None
