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

// Uploads from a phone can take a while: when a form sends files, say so under its buttons until the
// next page arrives. (Registered after the confirmation above, so a cancelled submit shows nothing.)
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (event.defaultPrevented || form.enctype !== "multipart/form-data") {
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
  let status = form.querySelector(".upload-status");
  if (!status) {
    status = document.createElement("div");
    status.className = "upload-status alert alert-info py-2 mt-2 mb-0";
    status.setAttribute("role", "status");
    form.appendChild(status);
  }
  const size = bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + "MB" : Math.max(1, Math.round(bytes / 1024)) + "KB";
  status.innerHTML = '<span class="spinner-border spinner-border-sm me-2" aria-hidden="true"></span>';
  status.appendChild(document.createTextNode("正在上传" + count + "个文件（共" + size + "），请勿关闭页面……"));
});
