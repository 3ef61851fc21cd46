// Card entry through Stripe Elements (only with real keys, when Stripe.js loaded): turn
// the card into a PaymentMethod and submit its id; the server saves it with a SetupIntent.
(function () {
  "use strict";
  var mount = document.getElementById("card-element");
  if (!mount || typeof window.Stripe !== "function") { return; }
  var stripe = window.Stripe(mount.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount(mount);
  var form = document.getElementById("card-form");
  form.addEventListener("submit", function (event) {
    var field = document.getElementById("id_payment_method");
    if (field.value) { return; }
    event.preventDefault();
    stripe.createPaymentMethod({ type: "card", card: card }).then(function (result) {
      if (result.error) { window.alert(result.error.message); return; }
      field.value = result.paymentMethod.id;
      form.submit();
    });
  });
})();
