// Progressive enhancement, nothing more: every page works without it. A change of sort order or of a facet box
// applies at once, and after the new page loads the focus is back on the box that was toggled.
"use strict";
(function () {
  const FOCUS_KEY = "govsearch-focus";
  document.documentElement.classList.add("js");

  const sort = document.querySelector("select[data-apply-on-change]");
  if (sort) sort.addEventListener("change", () => sort.form.submit());

  const facets = document.getElementById("facet-form");
  if (facets) {
    facets.addEventListener("change", (event) => {
      if (event.target.type !== "checkbox") return;
      try { sessionStorage.setItem(FOCUS_KEY, event.target.id); } catch (e) { /* storage off: focus is lost, nothing else */ }
      facets.submit();
    });
  }
  let wanted = null;
  try { wanted = sessionStorage.getItem(FOCUS_KEY); sessionStorage.removeItem(FOCUS_KEY); } catch (e) { wanted = null; }
  const box = wanted && document.getElementById(wanted);
  if (box) box.focus();

  // forms that delete ask first (an inline onsubmit would be refused by our Content-Security-Policy)
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();
