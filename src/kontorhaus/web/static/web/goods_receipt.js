// Goods receipt: a barcode scanner acting as a keyboard ("keyboard wedge") types the code and
// presses Enter. Each scan adds one to the matching line (by SKU or GTIN) instead of submitting.
(function () {
  "use strict";
  const scan = document.getElementById("scan");
  const status = document.getElementById("scan-status");
  if (!scan) { return; }
  scan.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault();
    const code = scan.value.trim();
    scan.value = "";
    if (!code) { return; }
    const row = Array.from(document.querySelectorAll("#receipt-lines tbody tr")).find(
      (tr) => tr.dataset.sku === code || (tr.dataset.gtin && tr.dataset.gtin === code));
    if (!row) {
      status.textContent = scan.dataset.unknown + " " + code;
      return;
    }
    const input = row.querySelector("input[type=number]");
    input.value = String((parseInt(input.value, 10) || 0) + 1);
    const over = parseInt(input.value, 10) > parseInt(row.dataset.open, 10);
    row.classList.toggle("has-error", over);
    status.textContent = row.dataset.sku + ": " + input.value + " / " + row.dataset.open;
  });
})();
