"""Staff accounts: Argon2 password hashes, creating accounts and signing in.

Passwords are never stored or logged, only their Argon2id hashes. Signing in as someone who does
not exist costs the same hash verification as a wrong password, so the time taken does not tell
an attacker which usernames are real.
"""
from __future__ import annotations

from functools import lru_cache
from typing import List, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import new_session, utcnow
from bot.models import StaffUser

#: The shortest password accepted. Length beats complexity rules (NCSC password guidance).
PASSWORD_MIN_CHARS = 12
#: Longer than any real passphrase; stops one request from hashing a megabyte.
PASSWORD_MAX_CHARS = 1024
USERNAME_MAX_CHARS = 120

_hasher = PasswordHasher()


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why, for a person."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # A hash of a random password with the same parameters as real ones, made once per process.
    import secrets

    return _hasher.hash(secrets.token_urlsafe(16))


def normalise_username(username: str) -> str:
    """Usernames are email addresses in practice: compared without case or surrounding spaces."""
    return (username or "").strip().lower()


def check_password(password: str) -> None:
    """Raise AccountError if `password` is not acceptable for a new account."""
    if len(password) < PASSWORD_MIN_CHARS:
        raise AccountError(
            f"The password must be at least {PASSWORD_MIN_CHARS} characters long "
            f"(it has {len(password)}). Three random words make a good one."
        )
    if len(password) > PASSWORD_MAX_CHARS:
        raise AccountError(f"The password must be {PASSWORD_MAX_CHARS} characters or fewer.")
    if password != password.strip():
        raise AccountError("The password must not start or end with a space.")


def create_user(username: str, display_name: str, password: str) -> StaffUser:
    """Create an active staff account. Raises AccountError with a clear message if the username
    is taken or empty, the name is empty, or the password is too short."""
    username = normalise_username(username)
    display_name = (display_name or "").strip()
    if not username:
        raise AccountError("Enter a username, for example the officer's work email address.")
    if len(username) > USERNAME_MAX_CHARS:
        raise AccountError(f"The username must be {USERNAME_MAX_CHARS} characters or fewer.")
    if any(ch.isspace() for ch in username):
        raise AccountError("The username must not contain spaces.")
    if not display_name:
        raise AccountError("Enter the officer's name, as colleagues should see it.")
    check_password(password)
    with new_session() as session:
        taken = session.execute(
            select(StaffUser.id).where(func.lower(StaffUser.username) == username)
        ).first()
        if taken:
            raise AccountError(f"There is already a staff account with the username '{username}'.")
        user = StaffUser(
            username=username, display_name=display_name, password_hash=hash_password(password),
            active=True, created_at=utcnow(),
        )
        session.add(user)
        try:
            session.commit()
        except IntegrityError as error:  # created by someone else at the same moment
            session.rollback()
            raise AccountError(f"There is already a staff account with the username '{username}'.") from error
        return user


def authenticate(username: str, password: str) -> Optional[StaffUser]:
    """The active account with this username and password, or None. Records the sign-in time and
    upgrades the stored hash if the hashing parameters have changed since it was made."""
    username = normalise_username(username)
    password = password or ""
    if not username or len(username) > USERNAME_MAX_CHARS or len(password) > PASSWORD_MAX_CHARS:
        _verify_dummy(password[:PASSWORD_MAX_CHARS])
        return None
    with new_session() as session:
        user = session.execute(
            select(StaffUser).where(func.lower(StaffUser.username) == username)
        ).scalars().first()
        if user is None or not user.active:
            _verify_dummy(password)
            return None
        try:
            _hasher.verify(user.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_login_at = utcnow()
        session.commit()
        return user


def _verify_dummy(password: str) -> None:
    try:
        _hasher.verify(_dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        pass


def get_user(user_id: int) -> Optional[StaffUser]:
    with new_session() as session:
        return session.get(StaffUser, user_id)


def list_users() -> List[StaffUser]:
    with new_session() as session:
        return list(session.execute(select(StaffUser).order_by(StaffUser.username)).scalars())


def _existing(session: Session, username: str) -> StaffUser:
    """The account with this username (any case), or a clear error."""
    username = normalise_username(username)
    user = session.execute(select(StaffUser).where(func.lower(StaffUser.username) == username)).scalars().first()
    if user is None:
        raise AccountError(f"There is no staff account with the username '{username}'.")
    return user


def set_active(username: str, active: bool) -> StaffUser:
    """Switch an account on or off (an officer who leaves keeps their name in the audit log)."""
    with new_session() as session:
        user = _existing(session, username)
        user.active = active
        session.commit()
        return user


def set_password(username: str, password: str) -> StaffUser:
    check_password(password)
    with new_session() as session:
        user = _existing(session, username)
        user.password_hash = hash_password(password)
        session.commit()
        return user
