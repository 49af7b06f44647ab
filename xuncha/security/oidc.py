"""Optional single sign-on through a county's unified identity platform (OIDC, mozilla-django-oidc).

On only when OIDC_RP_CLIENT_ID is set (settings). An external identity is mapped to an existing, active
account — the claim OIDC_USERNAME_CLAIM matched against the User field OIDC_USERNAME_FIELD (login name
by default; `phone` maps by mobile number) — and never creates one: an unknown identity is refused and
the refusal goes to the security audit log."""

from django.conf import settings
from django.contrib.auth import get_user_model
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from xuncha.audit.log import EventKind, record

ALLOWED_FIELDS = {"username", "email", "phone"}


class ExistingUserOIDCBackend(OIDCAuthenticationBackend):
    def _lookup(self, claims):
        field = getattr(settings, "OIDC_USERNAME_FIELD", "username")
        if field not in ALLOWED_FIELDS:
            field = "username"
        value = str(claims.get(getattr(settings, "OIDC_USERNAME_CLAIM", "preferred_username")) or "").strip()
        return field, value

    def filter_users_by_claims(self, claims):
        field, value = self._lookup(claims)
        users = get_user_model().objects.filter(is_active=True)
        if not value:
            return users.none()
        return users.filter(**{f"{field}__iexact" if field != "phone" else field: value})

    def verify_claims(self, claims):
        # Any identity the platform vouches for may try; it is mapped (or refused) by filter_users_by_claims.
        return bool(self._lookup(claims)[1])

    def create_user(self, claims):
        return None  # never creates accounts

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            record(
                EventKind.LOGIN_FAILED,
                request=getattr(self, "request", None),
                username=f"SSO:{payload.get('sub', '')}"[:150],
                success=False,
                detail="统一身份认证：该身份未对应本系统的有效账号",
            )
        return user
