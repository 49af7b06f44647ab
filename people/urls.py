"""Every route of the account pages (人员账号)."""

from django.urls import path

from .views import accounts

app_name = "people"
urlpatterns = [
    path("", accounts.AccountListView.as_view(), name="account_list"),
    path("new/", accounts.AccountCreateView.as_view(), name="account_create"),
    path("created/", accounts.AccountCreatedView.as_view(), name="account_created"),
    path("notice/", accounts.NoticeDownloadView.as_view(), name="notice_download"),
    path("import/", accounts.AccountImportView.as_view(), name="account_import"),
    path("import/template/", accounts.AccountImportTemplateView.as_view(), name="account_import_template"),
    path("<int:pk>/", accounts.AccountDetailView.as_view(), name="account_detail"),
    path("<int:pk>/edit/", accounts.AccountEditView.as_view(), name="account_edit"),
    path("<int:pk>/disable/", accounts.AccountDisableView.as_view(), name="account_disable"),
    path("<int:pk>/enable/", accounts.AccountEnableView.as_view(), name="account_enable"),
    path(
        "<int:pk>/reset-password/", accounts.AccountResetPasswordView.as_view(), name="account_reset_password"
    ),
    path("<int:pk>/unlock/", accounts.AccountUnlockView.as_view(), name="account_unlock"),
    path("<int:pk>/roles/add/", accounts.RoleAddView.as_view(), name="role_add"),
    path("<int:pk>/roles/remove/", accounts.RoleRemoveView.as_view(), name="role_remove"),
    path("<int:pk>/roles/transfer/", accounts.RoleTransferView.as_view(), name="role_transfer"),
]
