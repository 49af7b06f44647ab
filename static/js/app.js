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
