// Review sheet: choosing another card shows that card's fee and total at once,
// and marks that total as the one reviewed (the server checks the mark).
(function () {
  "use strict";
  var form = document.querySelector("form[data-review]");
  if (!form) { return; }
  var fee = document.getElementById("review-fee");
  var total = document.getElementById("review-total");
  var confirmTotal = document.getElementById("confirm-total");
  var reviewed = form.querySelector("[data-reviewed]");
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || !input.dataset || !input.dataset.token) { return; }
    fee.textContent = input.dataset.fee;
    total.textContent = input.dataset.total;
    confirmTotal.textContent = input.dataset.total;
    reviewed.value = input.dataset.token;
  });
})();
