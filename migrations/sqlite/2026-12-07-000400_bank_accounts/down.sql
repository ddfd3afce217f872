UPDATE organisations SET
    iban = (SELECT b.iban FROM bank_accounts b WHERE b.organisation_id = organisations.id AND b.is_default),
    bic = (SELECT b.bic FROM bank_accounts b WHERE b.organisation_id = organisations.id AND b.is_default);
DROP TABLE bank_accounts;
