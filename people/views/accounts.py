"""人员账号: the account list, a person's account (roles with their scopes, history), opening an account
(also from a unit's, department's or cadre's page), editing, disabling and enabling, resetting the
password, unlocking, granting, revoking and moving roles, the Excel import and the 开通通知单."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from rounds.models import Unit
from teams.models import Cadre
from xuncha import access
from xuncha.audit.log import EventKind, record
from xuncha.core.views import PageAccessMixin, run_service
from xuncha.core.xlsx import xlsx_response
from xuncha.errors import DomainError

from ..documents.import_template import accounts_import_template
from ..documents.notice import render_notice
from ..forms.accounts import (
    AccountCreateForm,
    AccountEditForm,
    AccountFilter,
    AccountImportForm,
    DisableForm,
    RoleAddForm,
    TransferForm,
)
from ..selectors import accounts as selectors
from ..services import accounts as services
from ..services.account_import import AccountImportError, accounts_import, notice_entry
from ..services.bindings import (
    PRIVILEGED_KINDS,
    UNIT_KINDS,
    Kind,
    binding_add,
    binding_from_key,
    binding_remove,
    binding_transfer,
    bindings_of,
)
from ..services.handoff import handoff_put, handoff_show, handoff_take

User = get_user_model()
PAGE_SIZE = 20
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NAV = "accounts"


def safe_next(request, fallback: str = "") -> str:
    """The page to return to (the unit's, the department's, the cadre's), if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _mobile(phone: str) -> str:
    """A registry phone as a mobile number, or "" (an office line is no login)."""
    phone = "".join((phone or "").split())
    return phone if phone.isdigit() and len(phone) == 11 else ""


def _account(request, pk, action: str | None = None):
    account = selectors.account_detail_for(request.user, pk)
    if action:
        access.require(request.user, action, account)
    return account


class AccountListView(PageAccessMixin, View):
    page_rule = "accounts.list"

    def get(self, request):
        filters = AccountFilter(
            request.GET, queryset=selectors.account_list_for(request.user), request=request
        )
        page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "people/account_list.html",
            {
                "filter": filters,
                "page_obj": page,
                "accounts": selectors.with_scopes(page.object_list),
                "filtered": any(request.GET.get(k) for k in ("q", "role", "status")),
                "may_manage": access.allows(request.user, "accounts.manage"),
                "nav_active": NAV,
            },
        )


class AccountCreateView(PageAccessMixin, View):
    """Open an account; from a unit's, department's or cadre's page the role and its scope come preset
    (?kind=principal&unit=…&next=…), and a move (?transfer=<account>&binding=<key>) hands the new account
    a role of another one."""

    page_rule = "accounts.manage"

    def _initial(self, request):
        initial = {}
        kind = request.GET.get("kind", "")
        if kind in Kind.values and kind not in PRIVILEGED_KINDS:
            initial["kind"] = kind
        unit = (
            Unit.objects.filter(pk=request.GET.get("unit") or 0).first()
            if request.GET.get("unit", "").isdigit()
            else None
        )
        if unit is not None:
            initial["unit"] = unit.pk
            initial["organization"] = unit.name
            # The registry often knows the person already (主要负责人, 联络员 and their phones).
            if kind == Kind.PRINCIPAL and not unit.principal_user_id:
                initial.update(
                    name=unit.principal_name, phone=_mobile(unit.principal_phone), post=unit.principal_post
                )
            elif kind == Kind.LIAISON and not unit.liaison_user_id:
                initial.update(name=unit.liaison_name, phone=_mobile(unit.liaison_phone))
        cadre = (
            Cadre.objects.filter(pk=request.GET["cadre"]).select_related("home_unit").first()
            if request.GET.get("cadre", "").isdigit()
            else None
        )
        if cadre is not None:
            initial.update(
                cadre=cadre.pk,
                kind=Kind.CADRE,
                name=cadre.name,
                phone="".join(cadre.phone.split()),
                organization=cadre.home_unit.name,
                post=cadre.post,
            )
        return initial

    def _transfer(self, request):
        pk, key = (
            request.GET.get("transfer") or request.POST.get("transfer"),
            request.GET.get("binding") or request.POST.get("binding"),
        )
        if not (pk and str(pk).isdigit() and key):
            return None, None
        account = _account(request, pk, "bind")
        try:
            return account, binding_from_key(account, key)
        except DomainError:
            return None, None

    def render_form(self, request, form, transfer=(None, None)):
        return render(
            request,
            "people/account_form.html",
            {
                "form": form,
                "next": safe_next(request),
                "transfer_from": transfer[0],
                "binding": transfer[1],
                "nav_active": NAV,
            },
        )

    def get(self, request):
        transfer = self._transfer(request)
        return self.render_form(request, AccountCreateForm(initial=self._initial(request)), transfer)

    def post(self, request):
        transfer = self._transfer(request)
        form = AccountCreateForm(request.POST)
        if transfer[0] is not None:
            form.fields["kind"].required = False
        if form.is_valid():
            data = form.cleaned_data
            person = {f: data[f] for f in services.PERSON_FIELDS}
            kind = data.get("kind")
            roles = [(kind, data.get("unit"), data.get("cadre"))] if kind and transfer[0] is None else []
            try:
                if transfer[0] is not None:
                    user, password, moved = services.account_create_taking(
                        person=person,
                        username=data["username"],
                        account=transfer[0],
                        binding=transfer[1],
                        by=request.user,
                        request=request,
                    )
                else:
                    user, password = services.account_create(
                        person=person,
                        username=data["username"],
                        roles=roles,
                        by=request.user,
                        request=request,
                    )
            except DomainError as exc:
                form.add_error(None, exc.full_message())
            else:
                role, unit = "", user.organization
                if transfer[0] is not None:
                    role, unit = moved.kind_label, moved.unit.name if moved.unit else unit
                elif kind:
                    role = Kind(kind).label
                    unit = data["unit"].name if kind in UNIT_KINDS else unit
                handoff_put(request.session, [notice_entry(user, password, role, unit)])
                messages.success(request, f"已为{user.display_name}开通账号，登录名：{user.username}")
                query = f"?next={quote(safe_next(request))}" if safe_next(request) else ""
                return redirect(reverse("people:account_created") + query)
        return self.render_form(request, form, transfer)


class AccountCreatedView(PageAccessMixin, View):
    """The new (or reset) one-time passwords, shown once, and the notice to download."""

    page_rule = "accounts.manage"

    def get(self, request):
        entries, first = handoff_show(request.session)
        return render(
            request,
            "people/account_created.html",
            {"entries": entries, "first": first, "next": safe_next(request), "nav_active": NAV},
        )


class NoticeDownloadView(PageAccessMixin, View):
    page_rule = "accounts.manage"

    def post(self, request):
        entries = handoff_take(request.session)
        if not entries:
            messages.error(
                request, "通知单已下载过或已超过10分钟有效期，初始密码不再保存；如需可重置密码后重新下载"
            )
            return redirect("people:account_list")
        login_url = request.build_absolute_uri(reverse("login"))
        content = render_notice(entries, login_url=login_url, today=timezone.localdate())
        record(
            EventKind.DOWNLOAD,
            request=request,
            target="账号开通通知单",
            detail="、".join(f"{e['name']}（{e['username']}）" for e in entries)[:500],
        )
        response = HttpResponse(content, content_type=DOCX)
        name = f"账号开通通知单_{timezone.localdate():%Y%m%d}.docx"
        response["Content-Disposition"] = (
            f"attachment; filename=\"notice.docx\"; filename*=UTF-8''{quote(name)}"
        )
        response["Cache-Control"] = "no-store"
        return response


class AccountDetailView(PageAccessMixin, View):
    page_rule = "accounts.list"

    def get(self, request, pk):
        account = _account(request, pk)
        may = access.decisions(
            request.user,
            account,
            "change",
            "disable",
            "enable",
            "reset_password",
            "unlock",
            "bind",
            "grant_privileged",
        )
        role_form = None
        if may["bind"] or may["grant_privileged"]:
            role_form = RoleAddForm(account=account, business=may["bind"], privileged=may["grant_privileged"])
        roles = [(b, may["grant_privileged"] if b.privileged else may["bind"]) for b in account.bindings]
        return render(
            request,
            "people/account_detail.html",
            {
                "account": account,
                "roles": roles,
                "may": may,
                "role_form": role_form,
                "history": selectors.account_history(account),
                "nav_active": NAV,
            },
        )


class AccountEditView(PageAccessMixin, View):
    page_rule = "accounts.list"

    def get(self, request, pk):
        account = _account(request, pk, "change")
        form = AccountEditForm(
            account=account, initial={f: getattr(account, f) for f in services.PERSON_FIELDS}
        )
        return render(
            request, "people/account_edit.html", {"form": form, "account": account, "nav_active": NAV}
        )

    def post(self, request, pk):
        account = _account(request, pk, "change")
        form = AccountEditForm(request.POST, account=account)
        if form.is_valid():
            try:
                services.account_update(
                    account=account, person=form.cleaned_data, by=request.user, request=request
                )
            except DomainError as exc:
                form.add_error(None, exc.full_message())
            else:
                messages.success(request, "已保存")
                return redirect("people:account_detail", account.pk)
        return render(
            request, "people/account_edit.html", {"form": form, "account": account, "nav_active": NAV}
        )


class AccountDisableView(PageAccessMixin, View):
    """A confirmation page, then the disable."""

    page_rule = "accounts.list"

    def get(self, request, pk):
        account = _account(request, pk, "disable")
        return render(
            request,
            "people/account_disable.html",
            {"account": account, "form": DisableForm(), "nav_active": NAV},
        )

    def post(self, request, pk):
        account = _account(request, pk, "disable")
        form = DisableForm(request.POST)
        if form.is_valid():
            ok, _ = run_service(
                request,
                services.account_disable,
                account=account,
                by=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
            if ok:
                messages.success(request, f"已停用{account.display_name}的账号，其登录会话已全部结束")
        return redirect("people:account_detail", account.pk)


class AccountEnableView(PageAccessMixin, View):
    page_rule = "accounts.list"

    def post(self, request, pk):
        account = _account(request, pk, "enable")
        ok, _ = run_service(
            request, services.account_enable, account=account, by=request.user, request=request
        )
        if ok:
            messages.success(request, f"已启用{account.display_name}的账号")
        return redirect("people:account_detail", account.pk)


class AccountResetPasswordView(PageAccessMixin, View):
    page_rule = "accounts.list"

    def get(self, request, pk):
        account = _account(request, pk, "reset_password")
        return render(request, "people/account_reset.html", {"account": account, "nav_active": NAV})

    def post(self, request, pk):
        account = _account(request, pk, "reset_password")
        ok, password = run_service(
            request, services.account_reset_password, account=account, by=request.user, request=request
        )
        if not ok:
            return redirect("people:account_detail", account.pk)
        bindings = bindings_of(account)
        main = next((b for b in bindings if b.unit is not None), bindings[0] if bindings else None)
        unit = main.unit.name if main and main.unit else account.organization
        handoff_put(request.session, [notice_entry(account, password, main.kind_label if main else "", unit)])
        messages.success(request, f"已重置{account.display_name}的密码，原密码已失效")
        return redirect(
            reverse("people:account_created")
            + f"?next={quote(reverse('people:account_detail', args=[account.pk]))}"
        )


class AccountUnlockView(PageAccessMixin, View):
    page_rule = "accounts.list"

    def post(self, request, pk):
        account = _account(request, pk, "unlock")
        ok, _ = run_service(
            request, services.account_unlock, account=account, by=request.user, request=request
        )
        if ok:
            messages.success(request, f"已解锁{account.display_name}的账号")
        return redirect("people:account_detail", account.pk)


def _require_some_role_power(user, account) -> None:
    """Forbidden (403) unless the user may change some of the account's roles (business or privileged)."""
    if not access.allows(user, "grant_privileged", account):
        access.require(user, "bind", account)


class RoleAddView(PageAccessMixin, View):
    page_rule = "accounts.list"

    def post(self, request, pk):
        account = _account(request, pk)
        _require_some_role_power(request.user, account)
        business = access.allows(request.user, "bind", account)
        privileged = access.allows(request.user, "grant_privileged", account)
        form = RoleAddForm(request.POST, account=account, business=business, privileged=privileged)
        if form.is_valid():
            data = form.cleaned_data
            ok, binding = run_service(
                request,
                binding_add,
                account=account,
                kind=data["kind"],
                unit=data.get("unit"),
                cadre=data.get("cadre"),
                by=request.user,
                request=request,
            )
            if ok:
                messages.success(request, f"已授予“{binding.label}”")
        else:
            errors = [e for field in form.errors.values() for e in field]
            messages.error(request, "未授予角色：" + "；".join(errors))
        return redirect("people:account_detail", account.pk)


class RoleRemoveView(PageAccessMixin, View):
    page_rule = "accounts.list"

    def post(self, request, pk):
        account = _account(request, pk)
        _require_some_role_power(request.user, account)
        try:
            binding = binding_from_key(account, request.POST.get("binding", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("people:account_detail", account.pk)
        access.require(request.user, "grant_privileged" if binding.privileged else "bind", account)
        ok, _ = run_service(
            request, binding_remove, account=account, binding=binding, by=request.user, request=request
        )
        if ok:
            messages.success(request, f"已撤销“{binding.label}”")
        return redirect("people:account_detail", account.pk)


class RoleTransferView(PageAccessMixin, View):
    """Move one role (a unit's principal…) to another person: an existing account, or a new one."""

    page_rule = "accounts.list"

    def _binding(self, request, account):
        key = request.GET.get("binding") or request.POST.get("binding") or ""
        binding = binding_from_key(account, key)
        access.require(request.user, "grant_privileged" if binding.privileged else "bind", account)
        return binding

    def _render(self, request, account, binding, form):
        return render(
            request,
            "people/role_transfer.html",
            {"account": account, "binding": binding, "form": form, "nav_active": NAV},
        )

    def get(self, request, pk):
        account = _account(request, pk)
        _require_some_role_power(request.user, account)
        try:
            binding = self._binding(request, account)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("people:account_detail", account.pk)
        form = TransferForm(candidates=selectors.transfer_candidates(binding.kind, account.pk))
        return self._render(request, account, binding, form)

    def post(self, request, pk):
        account = _account(request, pk)
        _require_some_role_power(request.user, account)
        try:
            binding = self._binding(request, account)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("people:account_detail", account.pk)
        form = TransferForm(request.POST, candidates=selectors.transfer_candidates(binding.kind, account.pk))
        if form.is_valid():
            to = form.cleaned_data["to"]
            try:
                binding_transfer(account=account, binding=binding, to=to, by=request.user, request=request)
            except DomainError as exc:
                form.add_error(None, exc.full_message())
            else:
                messages.success(request, f"已将“{binding.label}”移交{to.display_name}")
                return redirect("people:account_detail", to.pk)
        return self._render(request, account, binding, form)


class AccountImportView(PageAccessMixin, View):
    page_rule = "accounts.manage"

    def get(self, request):
        return render(request, "people/account_import.html", {"form": AccountImportForm(), "nav_active": NAV})

    def post(self, request):
        form = AccountImportForm(request.POST, request.FILES)
        problems = []
        if form.is_valid():
            try:
                entries = accounts_import(file=form.cleaned_data["file"], by=request.user, request=request)
            except AccountImportError as exc:
                problems = exc.errors
            except DomainError as exc:
                form.add_error(None, exc.full_message())
            else:
                handoff_put(request.session, entries)
                messages.success(request, f"导入完成：开通账号 {len(entries)} 个。请下载账号开通通知单。")
                return redirect("people:account_created")
        return render(
            request, "people/account_import.html", {"form": form, "problems": problems, "nav_active": NAV}
        )


class AccountImportTemplateView(PageAccessMixin, View):
    page_rule = "accounts.manage"

    def get(self, request):
        return xlsx_response(accounts_import_template(), "人员账号导入模板.xlsx", "accounts-template.xlsx")
