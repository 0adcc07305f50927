// Review sheet: choosing another card shows that card's fee and total at once,
// and marks that total as the one reviewed (the server checks the mark). When the balance
// cannot cover the total, choosing a card the balance does not pay lifts the shortfall, and
// choosing the balance again brings it back (data-covered, from the server's sheet).
(function () {
  "use strict";
  var form = document.querySelector("form[data-review]");
  if (!form) { return; }
  var fee = document.getElementById("review-fee");
  var total = document.getElementById("review-total");
  var confirmTotal = document.getElementById("confirm-total");
  var reviewed = form.querySelector("[data-reviewed]");
  var confirm = form.querySelector("[data-testid=confirm]");
  var shortBox = document.querySelector("[data-short-box]");
  var once = document.querySelector("[data-once]");
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || !input.dataset || !input.dataset.token) { return; }
    fee.textContent = input.dataset.fee;
    total.textContent = input.dataset.total;
    confirmTotal.textContent = input.dataset.total;
    reviewed.value = input.dataset.token;
    var covered = input.dataset.covered !== "0";
    confirm.disabled = !covered;
    if (shortBox) { shortBox.classList.toggle("hidden", covered); }
    if (once) { once.classList.toggle("hidden", !covered); }
  });
})();
