// The quote form's line rows: add a row from the <template>, remove a row. Rows are formset
// forms "lines-N-…"; every row counts as new, so a removed row simply leaves a gap in N.
(function () {
  "use strict";
  var form = document.getElementById("quote-form");
  if (!form) { return; }
  var total = document.getElementById("id_lines-TOTAL_FORMS");
  var body = document.querySelector("#quote-lines tbody");
  var template = document.getElementById("quote-line-template");

  document.getElementById("add-line").addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    body.appendChild(row);
    total.value = String(index + 1);
    if (window.htmx) { window.htmx.process(row); }
    var sku = row.querySelector("input[name$='-sku']");
    if (sku) { sku.focus(); }
  });

  body.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-line");
    if (button) { button.closest("tr").remove(); }
  });
})();
