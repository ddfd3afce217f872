// The invoice form's customer picker works as a plain GET form; with scripts, choosing a customer
// or a contract applies it at once (the "Use" button stays for keyboards and for no-JS).
document.addEventListener('DOMContentLoaded', function () {
  var picker = document.getElementById('customer-picker');
  if (!picker) return;
  picker.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () {
      // A new customer starts without the previous customer's contract.
      if (select.name === 'customer') {
        var contract = picker.querySelector('select[name=contract]');
        if (contract) contract.value = '';
      }
      picker.submit();
    });
  });
});
