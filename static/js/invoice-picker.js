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

// Saved items: choosing a suggested name fills the row's unit, price and VAT (without scripts, the
// server does it when the line has no unit price).
document.addEventListener('DOMContentLoaded', function () {
  var list = document.getElementById('saved-item-names');
  if (!list) return;
  document.querySelectorAll('input[list=saved-item-names]').forEach(function (input) {
    input.addEventListener('change', function () {
      var item = Array.prototype.find.call(list.options, function (o) { return o.value === input.value; });
      if (!item) return;
      var row = input.name.replace(/\.name$/, '');
      var field = function (name) { return input.form.elements[row + '.' + name]; };
      if (field('unit_price') && field('unit_price').value.trim() !== '') return;
      field('unit_code').value = item.dataset.unit;
      field('unit_price').value = item.dataset.price;
      field('vat_category').value = item.dataset.vatCategory;
      field('vat_rate').value = item.dataset.vatRate;
      if (field('quantity').value.trim() === '') field('quantity').value = '1';
    });
  });
});
