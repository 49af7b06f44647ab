// Confirmation before destructive actions: <form data-confirm="确定删除？"> or <button data-confirm="…">.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const button = event.submitter;
  const text = (button && button.dataset.confirm) || form.dataset.confirm;
  if (text && !window.confirm(text)) {
    event.preventDefault();
  }
});

// A print button without an inline handler (the Content-Security-Policy allows no inline script):
// <button type="button" data-print>打印</button>.
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// Uploads from a phone can take a while: a form that sends files is sent with XMLHttpRequest so that a
// progress bar shows how much has gone. The answer replaces the page as a normal submit would (the
// next page after a redirect, or the form re-rendered with its errors and the text typed). When the
// upload fails (network lost, 413 from a proxy, a server error) the page stays as it is: nothing typed
// is lost, and the message says to try again. Without XMLHttpRequest/FormData, or on a form marked
// data-plain-submit, the form submits normally with a "正在上传" note. (Registered after the
// confirmation above, so a cancelled submit sends nothing.)
(function () {
  function formatSize(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + "MB" : Math.max(1, Math.round(bytes / 1024)) + "KB";
  }

  function statusBox(form) {
    let status = form.querySelector(".upload-status");
    if (!status) {
      status = document.createElement("div");
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      status.dataset.testid = "upload-status";
      form.appendChild(status);
    }
    status.className = "upload-status alert alert-info py-2 mt-2 mb-0";
    status.textContent = "";
    return status;
  }

  function setButtons(form, disabled) {
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (b) {
      b.disabled = disabled;
    });
  }

  function showProgress(status, text, percent) {
    status.textContent = "";
    const label = document.createElement("div");
    label.className = "upload-label small mb-1";
    label.textContent = text;
    const bar = document.createElement("div");
    bar.className = "progress";
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-label", "上传进度");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.setAttribute("aria-valuenow", String(percent));
    bar.dataset.testid = "upload-progress";
    const fill = document.createElement("div");
    fill.className = "progress-bar progress-bar-striped progress-bar-animated";
    fill.style.width = percent + "%";
    fill.textContent = percent + "%";
    bar.appendChild(fill);
    status.appendChild(label);
    status.appendChild(bar);
  }

  function showFailure(form, status, text) {
    setButtons(form, false);
    status.className = "upload-status alert alert-danger py-2 mt-2 mb-0";
    status.dataset.state = "failed";
    status.textContent = text + "已填写的内容仍保留，可直接重新提交。";
    status.scrollIntoView({block: "nearest"});
  }

  function replacePage(xhr) {
    const url = xhr.responseURL || window.location.href;
    document.open();
    document.write(xhr.responseText);
    document.close();
    if (url !== window.location.href) {
      window.history.pushState(null, "", url);
    }
    // The new page's scripts may still be loading: scroll to its top now, and again once it is whole.
    window.scrollTo(0, 0);
    window.addEventListener("load", function () { window.scrollTo(0, 0); }, {once: true});
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    // Read the attributes, not form.action/form.method: a field named "action" (a submit button's
    // name) would shadow them.
    const submitter = event.submitter;
    const enctype = (submitter && submitter.getAttribute("formenctype")) || form.getAttribute("enctype") || "";
    if (event.defaultPrevented || enctype.toLowerCase() !== "multipart/form-data") {
      return;
    }
    let count = 0;
    let bytes = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        count += 1;
        bytes += file.size;
      });
    });
    if (!count) {
      return;
    }
    const status = statusBox(form);
    const what = "正在上传" + count + "个文件（共" + formatSize(bytes) + "）";
    const method = (submitter && submitter.getAttribute("formmethod")) || form.getAttribute("method") || "get";
    const action = (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action") || "";
    const plain = !window.XMLHttpRequest || !window.FormData || "plainSubmit" in form.dataset ||
      method.toLowerCase() !== "post";
    if (plain) {
      status.innerHTML = '<span class="spinner-border spinner-border-sm me-2" aria-hidden="true"></span>';
      status.appendChild(document.createTextNode(what + "，请勿关闭页面……"));
      return;
    }
    event.preventDefault();
    let data;
    try {
      data = new FormData(form, submitter);
    } catch (e) {
      data = new FormData(form);
      if (submitter && submitter.name) {
        data.append(submitter.name, submitter.value);
      }
    }
    setButtons(form, true);
    delete status.dataset.state;
    showProgress(status, what + "，请勿关闭页面……", 0);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", new URL(action, window.location.href).href);
    xhr.setRequestHeader("X-Upload-Progress", "1");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && e.total) {
        const percent = Math.min(100, Math.round((e.loaded / e.total) * 100));
        showProgress(status, percent < 100 ? what + "，请勿关闭页面……" : "上传完成，正在保存……", percent);
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status === 413) {
        showFailure(form, status, "文件太大，服务器拒绝接收（413）。请压缩照片或分次上传。");
      } else if (xhr.status >= 400 || xhr.status === 0) {
        showFailure(form, status, "上传未成功（服务器返回" + xhr.status + "）。");
      } else {
        replacePage(xhr);
      }
    });
    xhr.addEventListener("error", function () {
      showFailure(form, status, "网络中断，上传未完成。");
    });
    xhr.addEventListener("timeout", function () {
      showFailure(form, status, "上传超时，未完成。");
    });
    xhr.addEventListener("abort", function () {
      showFailure(form, status, "上传已中断。");
    });
    xhr.send(data);
  });
})();

// Bulk selection (批量办理): a header box <input type="checkbox" data-bulk-all="FORM_ID"> ticks every row
// box that belongs to that form (<input type="checkbox" name="ids" form="FORM_ID">), and the bar's
// counter [data-bulk-count="FORM_ID"] shows how many are ticked; a row box with its own name says whose it
// is with data-bulk-row="FORM_ID". Works after htmx swaps the table.
(function () {
  function rowBoxes(formId) {
    const marked = Array.prototype.slice.call(document.querySelectorAll('input[type="checkbox"][data-bulk-row="' + formId + '"]'));
    return marked.concat(Array.prototype.filter.call(
      document.querySelectorAll('input[type="checkbox"][name="ids"]'),
      function (box) { return box.getAttribute("form") === formId || (box.form && box.form.id === formId); }
    ));
  }
  function refresh(formId) {
    const boxes = rowBoxes(formId);
    const ticked = boxes.filter(function (b) { return b.checked; }).length;
    document.querySelectorAll('[data-bulk-count="' + formId + '"]').forEach(function (el) {
      el.textContent = String(ticked);
    });
    document.querySelectorAll('[data-bulk-all="' + formId + '"]').forEach(function (all) {
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  }
  document.addEventListener("change", function (event) {
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type !== "checkbox") return;
    const all = target.dataset.bulkAll;
    if (all) {
      rowBoxes(all).forEach(function (box) { box.checked = target.checked; });
      refresh(all);
    } else if (target.dataset.bulkRow) {
      refresh(target.dataset.bulkRow);
    } else if (target.name === "ids") {
      refresh(target.getAttribute("form") || (target.form && target.form.id) || "");
    }
  });
  function refreshAll() {
    document.querySelectorAll("[data-bulk-all]").forEach(function (all) { refresh(all.dataset.bulkAll); });
  }
  document.addEventListener("htmx:afterSwap", refreshAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refreshAll);
  } else {
    refreshAll();
  }
})();
