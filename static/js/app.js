// Confirmation before destructive actions: <form data-confirm="确定删除？"> or <button data-confirm="…">.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const button = event.submitter;
  const text = (button && button.dataset.confirm) || form.dataset.confirm;
  if (text && !window.confirm(text)) {
    event.preventDefault();
  }
});
