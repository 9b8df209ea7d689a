"""The app's token services, one per purpose, keyed from the configuration.

Reading a link's token either returns what it carries or raises LinkProblem, which
web/errors.py answers with the one "link problem" page, worded for the link's purpose.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

from verification.tokens import TokenExpired, TokenInvalid, TokenService

CONFIRM_SIGNATURE = "confirm-signature"

CONFIRM_REPRESENTATIVE = "confirm-representative"

MANAGE_INITIATIVE = "manage-initiative"

WITHDRAW_SIGNATURE = "withdraw-signature"


class LinkProblem(Exception):
    """A link from an e-mail that cannot be used: too old, cut or forged, or to nothing.

    ``purpose`` is the token service's (it chooses the page's advice); ``expired`` says
    whether the link was authentic but too old (or its signature is gone).
    """

    def __init__(self, purpose: str, *, expired: bool, status: int = 400):
        super().__init__(purpose)
        self.purpose = purpose
        self.expired = expired
        self.status = status


@contextmanager
def _reading(purpose: str) -> Iterator[None]:
    """Turn the token errors of a link of ``purpose`` into LinkProblem."""
    try:
        yield
    except TokenExpired:
        raise LinkProblem(purpose, expired=True) from None
    except TokenInvalid:
        raise LinkProblem(purpose, expired=False) from None


def token_service(purpose: str) -> TokenService:
    """Return the token service of ``purpose``; old keys in SECRET_KEY_FALLBACKS still verify."""
    config = current_app.config
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"]]
    return TokenService(keys, purpose)


def confirmation_token(signature_id: int, code: str, now) -> str:
    """Return the token of the link that confirms a signature.

    It carries the confirmation code, as the mail does (the code opens the envelope of
    the address the answer goes to), but encrypted: a signed token is only base64, and
    whoever sees the link must read neither the code nor the signature it belongs to.
    The id is written at a fixed width, so that the token's length says nothing either.
    """
    service = token_service(CONFIRM_SIGNATURE)
    secret = f"{signature_id:0{_ID_WIDTH}d}:{code}"
    return service.dumps({"s": service.encrypt(secret)}, now)


_ID_WIDTH = 12


def read_confirmation_token(token: str, now) -> tuple[int, str]:
    """Return (signature id, code) of a confirmation token, or raise LinkProblem."""
    with _reading(CONFIRM_SIGNATURE):
        service = token_service(CONFIRM_SIGNATURE)
        payload = service.loads(
            token, max_age=current_app.config["CONFIRMATION_MAX_AGE"], now=now
        )
        return _confirmation_secret(service, payload)


def _confirmation_secret(service: TokenService, payload: dict) -> tuple[int, str]:
    secret = payload.get("s")
    if not isinstance(secret, str):
        raise TokenInvalid("no secret in token")
    number, _, code = service.decrypt(secret).partition(":")
    if not number.isdigit() or not code:
        raise TokenInvalid("malformed secret")
    return int(number), code


def read_expired_confirmation_token(token: str, now) -> tuple[int, str] | None:
    """Return (signature id, code) of an authentic confirmation token that is too old.

    None for any other token. An old link can then still say that a newer one was
    sent, rather than only that it is too old.
    """
    service = token_service(CONFIRM_SIGNATURE)
    try:
        service.loads(
            token, max_age=current_app.config["CONFIRMATION_MAX_AGE"], now=now
        )
    except TokenExpired as expired:
        try:
            return _confirmation_secret(service, expired.payload)
        except TokenInvalid:
            return None
    except TokenInvalid:
        return None
    return None


def _int_field(payload: dict, key: str) -> int:
    value = payload.get(key)
    if not isinstance(value, int):
        raise TokenInvalid(f"no {key} in token")
    return value


def representative_token(representative_id: int, now) -> str:
    """Return the token of the link by which a representative confirms their role."""
    return token_service(CONFIRM_REPRESENTATIVE).dumps({"rep": representative_id}, now)


def read_representative_token(token: str, now) -> int:
    """Return the representative id of a confirmation token, or raise LinkProblem."""
    with _reading(CONFIRM_REPRESENTATIVE):
        payload = token_service(CONFIRM_REPRESENTATIVE).loads(
            token, max_age=current_app.config["REPRESENTATIVE_LINK_MAX_AGE"], now=now
        )
        return _int_field(payload, "rep")


def management_token(initiative_id: int, representative_id: int, now) -> str:
    """Return the token of a representative's management link for an initiative."""
    return token_service(MANAGE_INITIATIVE).dumps(
        {"ini": initiative_id, "rep": representative_id}, now
    )


def read_management_token(token: str, now) -> tuple[int, int]:
    """Return (initiative id, representative id) of a management link, or raise
    LinkProblem."""
    with _reading(MANAGE_INITIATIVE):
        payload = token_service(MANAGE_INITIATIVE).loads(
            token, max_age=current_app.config["MANAGEMENT_LINK_MAX_AGE"], now=now
        )
        return _int_field(payload, "ini"), _int_field(payload, "rep")


def withdrawal_token(signature_id: int, now) -> str:
    """Return the token of the link by which a signatory withdraws their signature."""
    return token_service(WITHDRAW_SIGNATURE).dumps({"sig": signature_id}, now)


def read_withdrawal_token(token: str, now) -> int:
    """Return the signature id of a withdrawal link, or raise LinkProblem."""
    with _reading(WITHDRAW_SIGNATURE):
        payload = token_service(WITHDRAW_SIGNATURE).loads(
            token, max_age=current_app.config["CONFIRMATION_MAX_AGE"], now=now
        )
        return _int_field(payload, "sig")
