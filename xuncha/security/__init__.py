"""Login security (等保 level 3 identity controls): lockout (django-axes), password rules and expiry, the
forced password change, session limits and the user's own sessions, optional OIDC single sign-on, and the
安全审计员's pages over the security audit log (`xuncha.audit`)."""
