/* Form behaviours configured by data-* attributes (the Content-Security-Policy allows no inline script).
   Each runs on page load and again on content htmx swaps in (htmx:load).

   <div data-show-if="id_channel" data-show-values="handover">   shown only while the control with that
                                                                  id has one of the values (comma-separated)
   <div data-show-if="id_fixed_on_site" data-show-checked>       shown only while that check box is ticked
   <div data-show-if-radio="scope" data-show-values="out_of_scope">  the same for a radio group of the
                                                                  enclosing form
   <form data-round-form>                                         巡察轮次: the theme only for 专项巡察 (or
                                                                  when filled), the revisited round only for 回头看
   <input type="checkbox" data-check-all=".lead-check">           ticks or clears every box the selector finds
   <select data-searchable>                                       a filter box above a long grouped select
   <select data-submit-on-change data-clear-on-change="round">  submits its form on change, first clearing
                                                                  the named fields (comma-separated)
   <textarea data-maxlength="100">                                a live character count with the limit */
(function () {
  "use strict";

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) { fn(root); }
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function once(el, name) {
    var key = "xunchaInit" + name;
    if (el.dataset[key]) { return false; }
    el.dataset[key] = "1";
    return true;
  }

  function values(el) {
    return (el.getAttribute("data-show-values") || "").split(",").map(function (v) { return v.trim(); });
  }

  function showIf(box) {
    if (!once(box, "ShowIf")) { return; }
    var control = document.getElementById(box.getAttribute("data-show-if"));
    if (!control) { return; }
    var checked = box.hasAttribute("data-show-checked");
    var wanted = values(box);
    function sync() {
      box.hidden = checked ? !control.checked : wanted.indexOf(control.value) < 0;
    }
    control.addEventListener("change", sync);
    sync();
  }

  function showIfRadio(box) {
    if (!once(box, "ShowIfRadio")) { return; }
    var form = box.closest("form") || document;
    var name = box.getAttribute("data-show-if-radio");
    var wanted = values(box);
    var radios = Array.prototype.filter.call(form.querySelectorAll("input[type=radio]"), function (r) {
      return r.name === name;
    });
    function sync() {
      var current = radios.filter(function (r) { return r.checked; })[0];
      box.hidden = !current || wanted.indexOf(current.value) < 0;
    }
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

  function roundForm(form) {
    if (!once(form, "Round")) { return; }
    var kind = form.querySelector("#id_kind");
    if (!kind) { return; }
    function box(id) {
      var el = form.querySelector("#" + id);
      return el && el.closest(".col-md-6, .col-12");
    }
    var themeInput = form.querySelector("#id_theme");
    var theme = box("id_theme"), revisit = box("id_revisit_of");
    function sync() {
      if (theme) { theme.hidden = kind.value !== "special" && !themeInput.value; }
      if (revisit) { revisit.hidden = kind.value !== "lookback"; }
    }
    kind.addEventListener("change", sync);
    sync();
  }

  function checkAll(all) {
    if (!once(all, "CheckAll")) { return; }
    var selector = all.getAttribute("data-check-all");
    all.addEventListener("change", function () {
      Array.prototype.forEach.call(document.querySelectorAll(selector), function (box) {
        box.checked = all.checked;
      });
    });
  }

  function searchable(select) {
    if (!once(select, "Searchable")) { return; }
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1";
    input.placeholder = "输入单位名称筛选";
    input.setAttribute("aria-label", "筛选被巡察单位");
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var text = input.value.trim();
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        var shown = 0;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
          var match = !text || option.textContent.indexOf(text) >= 0;
          option.hidden = !match;
          if (match) { shown += 1; }
        });
        group.hidden = shown === 0;
      });
    });
  }

  function submitOnChange(control) {
    if (!once(control, "Submit")) { return; }
    control.addEventListener("change", function () {
      var form = control.form;
      if (!form) { return; }
      (control.getAttribute("data-clear-on-change") || "").split(",").forEach(function (name) {
        var field = name.trim() && form.elements[name.trim()];
        if (field) { field.value = ""; }
      });
      form.submit();
    });
  }

  // Characters as the server counts them (code points: 𠮷 and emoji are one each).
  function length(text) {
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c < 0xD800 || c > 0xDBFF) { n += 1; }
    }
    return n;
  }

  function counter(field) {
    if (!once(field, "Counter")) { return; }
    var limit = parseInt(field.getAttribute("data-maxlength"), 10);
    if (!limit) { return; }
    var note = document.createElement("div");
    note.className = "form-text char-count";
    note.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", note);
    var textarea = field.tagName === "TEXTAREA";
    function sync() {
      var used = length(field.value);
      // Shown once it matters: a text area being written, a line near its limit.
      note.hidden = !(used > limit * 0.8 || (textarea && used > 0));
      note.textContent = used > limit
        ? "已输入" + used + "字，超出上限" + limit + "字" + (used - limit) + "字，请删减后再保存"
        : "已输入" + used + "/" + limit + "字";
      note.classList.toggle("text-danger", used > limit);
      if (used > limit) {
        field.classList.add("is-invalid");
        field.dataset.xunchaOver = "1";
      } else if (field.dataset.xunchaOver) {
        field.classList.remove("is-invalid");
        delete field.dataset.xunchaOver;
      }
    }
    field.addEventListener("input", sync);
    sync();
  }

  // A text over its limit is not sent (the server would refuse it anyway): the form stays as typed,
  // the field is focused and its count says by how much. Capture phase: before the confirmations.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var over = Array.prototype.filter.call(
      form.querySelectorAll("input[data-maxlength], textarea[data-maxlength]"),
      function (field) { return length(field.value) > parseInt(field.getAttribute("data-maxlength"), 10); }
    );
    if (over.length) {
      event.preventDefault();
      event.stopPropagation();
      over[0].focus();
    }
  }, true);

  function init(root) {
    each(root, "[data-show-if]", showIf);
    each(root, "[data-show-if-radio]", showIfRadio);
    each(root, "form[data-round-form]", roundForm);
    each(root, "input[data-check-all]", checkAll);
    each(root, "select[data-searchable]", searchable);
    each(root, "[data-submit-on-change]", submitOnChange);
    each(root, "input[data-maxlength], textarea[data-maxlength]", counter);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
