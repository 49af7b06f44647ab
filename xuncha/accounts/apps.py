from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save

# A save that touches only these fields notes a login; it is no change of the account for its history.
LOGIN_ONLY_FIELDS = frozenset({"last_login", "last_login_ip"})


def _skip_login_history(sender, instance, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= LOGIN_ONLY_FIELDS:
        instance.skip_history_when_saving = True


def _restore_history(sender, instance, **kwargs):
    instance.__dict__.pop("skip_history_when_saving", None)


class AccountsConfig(AppConfig):
    name = "xuncha.accounts"
    label = "accounts"
    verbose_name = "账户与角色"

    def ready(self):
        user = self.get_model("User")
        pre_save.connect(_skip_login_history, sender=user, dispatch_uid="accounts-skip-login-history")
        post_save.connect(_restore_history, sender=user, dispatch_uid="accounts-restore-history")
