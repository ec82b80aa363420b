"""Infrastructure reactions of identity, in one place, whoever saves the user row:

* a password change (the change page, the admin, a service, ``changepassword``) stamps
  ``password_changed_at`` and revokes every API token of the user;
* a deactivation revokes every API token of the user;
* a sign-in stores its time in the session (the 12-hour absolute limit, ``middleware.py``).

Sessions need no revocation here: Django keeps a hash of the password in every session and
refuses a session whose hash no longer matches, and it refuses the session of an inactive user
(``ModelBackend.get_user``). The change page re-hashes the current session only
(``update_session_auth_hash``), so every other session of the user ends. Row changes made with
``QuerySet.update()`` bypass signals: no code of the portal changes passwords or ``is_active``
that way, and the test suite checks the paths that exist."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from supervision.core.models import User

SIGNED_IN_AT = "accounts_signed_in_at"


def revoke_tokens(user: Any) -> int:
    from knox.models import get_token_model

    count, _ = get_token_model().objects.filter(user_id=user.pk).delete()
    return count


@receiver(pre_save, sender=User)
def _remember_identity_changes(sender: Any, instance: User, raw: bool = False, **kwargs: Any) -> None:
    instance._identity_changed = (False, False)  # type: ignore[attr-defined]
    if raw or not instance.pk:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not ({"password", "is_active"} & set(update_fields)):
        return
    old = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if old is None:
        return
    instance._identity_changed = (  # type: ignore[attr-defined]
        old["password"] != instance.password,
        old["is_active"] and not instance.is_active,
    )


@receiver(post_save, sender=User)
def _revoke_on_identity_change(sender: Any, instance: User, created: bool, raw: bool = False, **kw: Any):
    if raw:
        return
    password_changed, deactivated = getattr(instance, "_identity_changed", (False, False))
    if created and instance.has_usable_password() and instance.password_changed_at is None:
        password_changed = True
    if password_changed:
        now = timezone.now()
        User.objects.filter(pk=instance.pk).update(password_changed_at=now)
        instance.password_changed_at = now
    if (password_changed and not created) or deactivated:
        revoke_tokens(instance)
    instance._identity_changed = (False, False)  # type: ignore[attr-defined]


@receiver(user_logged_in)
def _stamp_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and not getattr(request, "api_token_login", False):
        session[SIGNED_IN_AT] = int(timezone.now().timestamp())


@receiver(user_logged_out)
def _end_tokens_with_web_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from django.conf import settings

    if user is not None and getattr(settings, "API_TOKENS_END_WITH_WEB_LOGOUT", True):
        revoke_tokens(user)
