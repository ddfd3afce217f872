# Messages: validation errors, flash messages, Chorus status meanings (owned by the i18nmsg work).
# Keys: err-* validation errors, check-* pre-send checks, flash-* flash messages,
# chorus-status-* Chorus Pro codes, hint-* where to fix a rejection, error-* error pages.

## Identifiers (src/domain/identifiers)

err-postal-code-empty = Enter the postal code.
err-postal-code-fr = A French postal code is exactly 5 digits, like 75001.
err-postal-code-too-long = A postal code has at most 10 characters; you typed { $typed }.
err-postal-code-character = A postal code has only letters, digits, spaces and dashes; “{ $character }” is not allowed.

err-siret-empty = Enter the SIRET: 14 digits.
err-siret-not-a-digit = A SIRET has only digits; “{ $character }” is not a digit.
err-siret-length = A SIRET has 14 digits; you typed { $typed }.
err-siret-key = This SIRET does not exist: its check digit does not match. Check it for a typo.
err-siret-siren = This SIRET does not exist: its first 9 digits are not a valid SIREN. Check it for a typo.

err-siren-empty = Enter the SIREN: 9 digits.
err-siren-not-a-digit = A SIREN has only digits; “{ $character }” is not a digit.
err-siren-length = A SIREN has 9 digits; you typed { $typed }.
err-siren-key = This SIREN does not exist: its last digit (the check digit) does not match. Check it for a typo.

err-vat-empty = Enter the VAT number, like FR17110002011.
err-vat-prefix-missing = A VAT number starts with the 2-letter country code (FR, BE, DE…).
err-vat-greek-prefix = Greek VAT numbers start with EL, not GR.
err-vat-not-eu = { $prefix } is not an EU country prefix; an intra-EU VAT number starts with FR, BE, DE…
err-vat-fr-format = A French VAT number is FR, a 2-digit key and the 9-digit SIREN, like FR17110002011.
err-vat-fr-siren = The last 9 digits of a French VAT number are the SIREN, and { $siren } is not a valid SIREN.
err-vat-fr-key = This VAT number's key is wrong: for SIREN { $siren } the key is { $key } (FR{ $key }{ $digits }).
err-vat-format-AT = A VAT number from Austria is AT followed by U and 8 digits.
err-vat-format-BE = A VAT number from Belgium is BE followed by 10 digits.
err-vat-format-BG = A VAT number from Bulgaria is BG followed by 9 or 10 digits.
err-vat-format-CY = A VAT number from Cyprus is CY followed by 8 digits and a letter.
err-vat-format-CZ = A VAT number from Czechia is CZ followed by 8 to 10 digits.
err-vat-format-DE = A VAT number from Germany is DE followed by 9 digits.
err-vat-format-DK = A VAT number from Denmark is DK followed by 8 digits.
err-vat-format-EE = A VAT number from Estonia is EE followed by 9 digits.
err-vat-format-EL = A VAT number from Greece is EL followed by 9 digits.
err-vat-format-ES = A VAT number from Spain is ES followed by 9 characters: a letter or digit, 7 digits, a letter or digit.
err-vat-format-FI = A VAT number from Finland is FI followed by 8 digits.
err-vat-format-HR = A VAT number from Croatia is HR followed by 11 digits.
err-vat-format-HU = A VAT number from Hungary is HU followed by 8 digits.
err-vat-format-IE = A VAT number from Ireland is IE followed by 7 digits and 1 or 2 letters.
err-vat-format-IT = A VAT number from Italy is IT followed by 11 digits.
err-vat-format-LT = A VAT number from Lithuania is LT followed by 9 or 12 digits.
err-vat-format-LU = A VAT number from Luxembourg is LU followed by 8 digits.
err-vat-format-LV = A VAT number from Latvia is LV followed by 11 digits.
err-vat-format-MT = A VAT number from Malta is MT followed by 8 digits.
err-vat-format-NL = A VAT number from the Netherlands is NL followed by 9 digits, B and 2 digits.
err-vat-format-PL = A VAT number from Poland is PL followed by 10 digits.
err-vat-format-PT = A VAT number from Portugal is PT followed by 9 digits.
err-vat-format-RO = A VAT number from Romania is RO followed by 2 to 10 digits.
err-vat-format-SE = A VAT number from Sweden is SE followed by 12 digits.
err-vat-format-SI = A VAT number from Slovenia is SI followed by 8 digits.
err-vat-format-SK = A VAT number from Slovakia is SK followed by 10 digits.
err-vat-format-XI = A VAT number from Northern Ireland is XI followed by 9 or 12 digits (or GD/HA and 3 digits).

err-bic-empty = Enter the BIC, like BNPAFRPP.
err-bic-length = A BIC has 8 or 11 characters; you typed { $typed }.
err-bic-format = A BIC is 4 letters for the bank, 2 for the country, then 2 letters or digits (and an optional 3-character branch).
err-bic-country = { $country } is not a country code, so this is not a BIC (its 5th and 6th letters are the country).

err-country-empty = Enter the country as its 3-letter code (FRA for France).
err-country-two-letters = Use the 3-letter country code: { $alpha3 }, not { $alpha2 }.
err-country-not-three-letters = A country code has 3 letters, like FRA, BEL or DEU.
err-country-unknown = { $code } is not a country code; use 3 letters such as FRA, BEL or DEU.

err-email-empty = Enter an email address.
err-email-too-long = An email address has at most 254 characters; you typed { $typed }.
err-email-space = An email address has no spaces.
err-email-at = An email address needs one @, like name@example.fr.
err-email-local-part = Put a name before the @, like name@example.fr.
err-email-domain = After the @ comes a domain such as example.fr.

err-iban-empty = Enter the IBAN, like FR76 3000 6000 0112 3456 7890 189.
err-iban-character = An IBAN has only letters and digits; “{ $character }” is not allowed.
err-iban-start = An IBAN starts with the 2-letter country code and 2 check digits, like FR76.
err-iban-country = { $country } is not a country code; an IBAN starts with one, like FR.
err-iban-country-length = An IBAN from { $country } has { $expected } characters; you typed { $typed }.
err-iban-length = An IBAN has 15 to 34 characters; you typed { $typed }.
err-iban-key = This IBAN's check digits do not match: check it for a typo.

err-service-code-empty = Enter the service code.
err-service-code-too-long = A service code has at most 100 characters; you typed { $typed }.
err-service-code-one-line = A service code is a single line of text.
err-service-code-public-bodies = FACTURES_PUBLIQUES is reserved for invoices between public bodies, and Chorus Pro rejects it from a company; choose one of the buyer's own services.

err-engagement-empty = Enter the engagement number given by the buyer.
err-engagement-too-long = An engagement number has at most 50 characters; you typed { $typed }.
err-engagement-one-line = An engagement number is a single line of text.

err-market-empty = Enter the market number.
err-market-too-long = A market number has at most 50 characters; you typed { $typed }.
err-market-one-line = A market number is a single line of text.

## Numbers typed in forms (src/domain/input.rs)

err-number-empty = Enter a number.
err-number-format = Write a number like 1234.50 or 1234,50 (no thousands separator).
err-number-decimals = At most 6 digits after the decimal point.
err-number-too-large = This number is too large.

## Forms: organisations, customers, contracts, Chorus Pro connection, audit filters

err-text-too-long = At most { $max } characters; you typed { $typed }.
err-text-max = At most { $max } characters.
err-text-one-line = A single line of text, please.
err-date = “{ $text }” is not a date; write it as 2026-01-31 or 31/01/2026.

err-organisation-name-empty = Enter the company's name.
err-organisation-name-too-long = Chorus Pro accepts at most 99 characters for a company name.
err-organisation-vat-other-siren = This French VAT number belongs to another SIREN than the SIRET above.

err-customer-name-empty = Enter the customer's name.
err-customer-address-empty = Enter the street address.
err-customer-city-empty = Enter the city.
err-customer-vat-other-siren = This French VAT number belongs to another company than the SIRET (their SIREN differ).
err-customer-chorus-not-french = Only French public buyers receive invoices through Chorus Pro: set the country to FRA or untick this.
err-customer-chorus-siret = Enter the SIRET: Chorus Pro routes invoices to the buyer by its SIRET.

err-unit-code = “{ $code }” is not a UN/ECE Recommendation 20 unit code; use for example C62 (unit), HUR (hour), DAY or MON.
err-billing-period = Choose monthly, quarterly, yearly or one-off.
err-vat-category = Choose a VAT category: S, Z, E, AE, K, G or O.
err-contract-line-description = Describe what is billed.
err-contract-line-quantity = The quantity must be more than zero.
err-contract-line-price-negative = A unit price cannot be negative.
err-contract-line-standard-rate = The standard category needs a rate above 0 %, such as 20, 10, 5,5 or 2,1.
err-contract-line-zero-rate = Category { $category } has a 0 % rate; use S for a taxed line.
err-contract-customer-empty = Choose the customer.
err-contract-customer-unknown = Choose one of your customers.
err-contract-customer-archived = This customer is archived: restore it before adding a contract.
err-contract-number-empty = Enter the contract number.
err-contract-title-empty = Enter a title that says what the contract is for.
err-contract-start-empty = Enter the start date.
err-contract-end-before-start = The end date cannot be before the start date.
err-contract-engagement-required = Chorus Pro says this customer requires an engagement number (numéro d'engagement) on every invoice: enter the one the buyer gave you.
err-contract-lines-empty = Add at least one billing line.
err-contract-lines-too-many = At most { $max } billing lines.

credential-piste-client-id = PISTE client id
credential-piste-client-secret = PISTE client secret
credential-tech-login = technical account login
credential-tech-password = technical account password
err-credential-too-long = The { $what } is longer than { $max } characters: check that you pasted only the { $what }.
err-credential-invisible = The { $what } contains a line break or another invisible character: paste it again.
err-credential-spaces = The { $what } cannot contain spaces.
err-connection-environment = Choose production, sandbox or the built-in simulator.
err-connection-deposit-format = Choose UBL, CII or Factur-X.
err-connection-attachment-mode = Choose ZIP or PDF.
err-connection-siret-other-company = This SIRET belongs to another company than yours (your SIREN is { $siren }).
err-connection-structure-id = The Chorus structure id is a number of up to 18 digits (idStructureCPP, e.g. 26346724). Leave it empty if you do not know it.

err-audit-date = Enter a date as YYYY-MM-DD, for example 2026-11-29.
err-audit-text-too-long = Keep this under { $max } characters.
err-audit-end-before-start = The end date is before the start date.
err-audit-outcome = Choose success or failure.
err-audit-organisation = Choose an organisation from the list.

## Invoice documents: parsing (src/domain/invoice/parse.rs). Shown next to the field they name,
## and in the API's errors, so they read as the end of "<field> …".

err-inv-required = is required
err-inv-number-too-long = must be at most { $max } characters (Chorus Pro limit), got { $typed }
err-inv-number-character = may only contain letters, digits and - _ / + (found '{ $character }')
code-list-unit = unit code
code-list-country = country code
code-list-currency = currency code
code-list-type = type code for this kind of document
code-list-payment-means = payment means code (UNTDID 4461)
err-inv-code-unknown = unknown { $what } "{ $code }"
err-inv-vat-category = unknown VAT category "{ $code }" (expected S, Z, E, AE, K, G, O, L or M)
err-inv-billing-framework = "{ $code }" is not a billing framework code such as A1 or A2
err-inv-decimal-too-large = "{ $value }" is too large
err-inv-decimal-format = "{ $value }" is not a decimal number (use a dot: "12.50")
err-inv-date = "{ $value }" is not a date in the form YYYY-MM-DD
err-inv-vat-rate-category-o = must be omitted for category O (not subject to VAT)
err-inv-vat-rate-zero = must be 0 for category { $category }
err-inv-vat-rate-required = is required for category { $category }
err-inv-vat-rate-percentage = { $rate } is not a percentage between 0 and 100
err-inv-vat-rate-standard = must be above 0 for category S (use Z for zero-rated goods)
err-inv-allowance-reason = a reason or a reason code is required
err-inv-allowance-base = is required when a percentage is given
err-inv-allowance-amount = is required (or give base_amount and percentage)
err-inv-allowance-negative = must not be negative (use an allowance instead of a negative charge)
err-inv-allowance-vat-required = is required on document level allowances and charges
err-inv-allowance-line-vat = line allowances and charges take the VAT of their line: remove it
err-inv-price-negative = must not be negative (BR-27)
err-inv-above-zero = must be above 0
err-inv-negative = must not be negative
err-inv-period-end = is before the start date (BR-29)
err-inv-period-empty = give a start date, an end date or a description code
err-inv-siret = a SIRET is exactly 14 digits
err-inv-siren = a SIREN is exactly 9 digits
err-inv-siren-siret = does not match the first 9 digits of the SIRET
err-inv-eas-scheme = is required (EAS code, e.g. 0225 or 0009)
err-inv-due-before-issue = is before the issue date
err-inv-base64 = is not valid base64
err-inv-lines-empty = at least one line is required (BR-16)
err-inv-unparsed = could not be parsed
err-inv-already-paid = A2 (already paid) needs an amount due of 0, but it is { $amount }

## Pre-send checks (src/domain/invoice/checks.rs); the page shows each with its rule id.

check-attachment-name = file name "{ $file }" has { $chars } characters; Chorus Pro accepts at most { $max }
check-attachment-extension = file "{ $file }" needs an extension Chorus Pro accepts (pdf, zip, xml, csv, png, ...)
check-attachment-empty = file "{ $file }" is empty
check-attachment-size = file "{ $file }" is { $bytes } bytes; each attachment must be under 10 MB
check-attachments-total = attachments total { $bytes } bytes; Chorus Pro accepts at most 120 MB
check-due-date = an amount is due: give a due date or payment terms
check-seller-id = the seller needs a SIRET, a legal id or a VAT id
check-seller-vat-id = VAT category { $category } needs the seller's VAT id
check-reverse-charge-buyer = reverse charge needs the buyer's VAT id or legal id
check-intra-community-buyer = an intra-community supply needs the buyer's VAT id
check-intra-community-date = an intra-community supply needs a delivery date or an invoicing period
check-intra-community-country = an intra-community supply needs the deliver-to country
check-out-of-scope-vat-ids = outside the scope of VAT (category O): remove the seller, buyer and tax representative VAT ids
check-out-of-scope-mixed = category O (not subject to VAT) cannot be mixed with other VAT categories
check-exemption-reason = VAT category { $category } needs an exemption reason or reason code
check-exemption-reason-extra = VAT category { $category } must not carry an exemption reason
check-transfer-iban = a credit transfer needs the account (IBAN) to pay to
check-chorus-iban = Chorus Pro accepts only a valid IBAN for credit transfers
check-chorus-payment-means-code = Chorus Pro accepts payment means 30 (transfer) and 49 (direct debit), not { $code }
check-chorus-payment-means = Chorus Pro needs a payment means (30 with IBAN, or 49) on invoices
check-chorus-buyer-siret = Chorus Pro needs the buyer's SIRET (14 digits)
check-chorus-seller-siret = Chorus Pro identifies a French supplier by its SIRET (14 digits)
check-chorus-service-code = the service code may have at most { $max } characters
check-chorus-engagement = the engagement number may have at most { $max } characters
check-chorus-type-code = Chorus Pro does not accept type code { $code }
check-credit-note-reference = a credit note must name the invoice it corrects

## The invoice form (src/web/invoice_form.rs) and invoicing (src/invoicing)

err-form-date = Enter a date such as 31/12/2026.
err-form-date-optional = Enter a date such as 31/12/2026, or leave it empty.
err-form-number = "{ $value }" is not a number (e.g. 1,5).
err-form-general = { $path }: { $message }
err-form-path-lines = Lines
err-form-path-seller = Your organisation ({ $field }), see its settings
err-form-path = { $path }
err-invoice-series = Use 1 to 8 letters, digits, '-', '_' or '/' for the numbering series.
err-invoice-draft-unreadable = the stored draft cannot be read: { $detail }
err-invoice-document-unreadable = { $detail }
err-invoice-resend-integrated = Only an invoice that Chorus Pro did not integrate can be sent again; correct an integrated one with a credit note.
err-invoice-period-end = The period ends before it starts.

## Chorus Pro status codes (src/web/chorus_status.rs): what each means for the supplier.

chorus-status-IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP = Deposited; Chorus Pro has not started processing the file yet.
chorus-status-IN_RECU = Chorus Pro received the file.
chorus-status-IN_EN_ATTENTE_TRAITEMENT_CPP = The file is waiting to be processed by Chorus Pro.
chorus-status-IN_EN_ATTENTE_RETRAITEMENT_CPP = The file is waiting to be processed again by Chorus Pro.
chorus-status-IN_EN_COURS_TRAITEMENT_CPP = Chorus Pro is processing the file.
chorus-status-IN_TRAITE_SE_CPP = The exchange layer processed the file; integration follows.
chorus-status-QP_RECEVABLE = The file is admissible; integration follows.
chorus-status-QP_RECEVABLE_AVEC_ERREUR = The file is admissible but has errors; integration follows.
chorus-status-QP_IRRECEVABLE = The file was refused as inadmissible: fix the invoice and send it again.
chorus-status-IN_INTEGRE = The invoice was integrated into Chorus Pro.
chorus-status-IN_INTEGRE_PARTIEL = Only part of the file was integrated: the reasons list what was refused.
chorus-status-IN_REJETE = Chorus Pro rejected the whole file: fix what the reasons point at and send it again.
chorus-status-IN_INCIDENTE = Chorus Pro had a processing incident with the file: send it again.
chorus-status-DEPOSEE = Received by Chorus Pro.
chorus-status-EN_COURS_ACHEMINEMENT = Being routed to the public buyer.
chorus-status-MISE_A_DISPOSITION = Available to the public buyer.
chorus-status-A_RECYCLER = Returned by the buyer: the routing data (buyer SIRET, service code or engagement number) is wrong. Fix it and send again.
chorus-status-REJETEE = Rejected by the buyer on substance: issue a credit note and a new invoice.
chorus-status-SUSPENDUE = On hold: the buyer needs more information or attachments.
chorus-status-SERVICE_FAIT = The buyer confirmed the service was done or the goods delivered.
chorus-status-MANDATEE = The buyer issued the payment order.
chorus-status-MISE_A_DISPOSITION_COMPTABLE = Passed to the buyer's public accountant.
chorus-status-COMPTABILISEE = Booked by the buyer's public accountant.
chorus-status-MISE_EN_PAIEMENT = Payment released.
chorus-status-COMPLETEE = Completed after a suspension; back with the buyer.
chorus-status-unknown = Status "{ $code }" is not one chorus-desk knows; it is followed as still in processing.

## Flash messages (src/web/handlers) and sign-in / password messages

flash-two-sentences = { $first } { $second }
flash-session-expired = Your session expired after a period of inactivity. Sign in again.
flash-session-ended = Your session has ended. Sign in again.
flash-password-changed = Your password has been changed.
err-login-credentials = Email or password is incorrect.
err-login-throttled = Too many failed attempts. Wait { $minutes } minutes, or ask an administrator to reset your password.
err-password-too-short = Use at least { $min } characters.
err-password-too-long = Use at most 1024 characters.
err-password-email = Do not use your email address in your password.
err-password-confirm = The two new passwords differ.
err-password-current = This is not your current password.

err-user-role = Choose admin, user or auditor.
err-user-email-taken = An account with this email already exists.
flash-user-created = Account { $email } created. One-time password: { $password } (shown once; it must be changed at first login).
flash-user-deactivate-self = You cannot deactivate your own account.
flash-user-deactivated = Account deactivated; its sessions have ended.

err-organisation-siret-taken = An organisation with this SIRET already exists.
flash-organisation-created = Organisation created.
flash-organisation-created-admin = Organisation created. First admin { $email }: one-time password { $password } (shown once; they must change it at first login).
err-toggle-reason-empty = Give a reason: it is recorded in the audit log.
err-toggle-reason-too-long = Keep the reason under { $max } characters.
flash-chorus-feature-on = Chorus Pro feature switched on.
flash-chorus-feature-off = Chorus Pro feature switched off.

err-token-name-empty = Name the token after the system that will use it.
err-token-name-too-long = A single line of at most { $max } characters.
flash-token-revoked = Token revoked: requests with it are now refused.
flash-token-already-revoked = This token was already revoked.

flash-customer-created = Customer { $name } created.
flash-customer-saved = Customer { $name } saved.
flash-customer-archived = Customer archived: it no longer appears in the list or in new contracts.
flash-customer-restored = Customer restored.

err-contract-number-taken = Another contract already has this number.
flash-contract-created = Contract { $number } created.
flash-contract-saved = Contract { $number } saved.
flash-contract-archived = Contract archived.
flash-contract-restored = Contract restored.
flash-contract-period-dates = Give the period to invoice as two dates (for example 01/11/2026 and 30/11/2026).
flash-contract-invoiced = Draft invoice created from the contract's billing lines. Check it, then issue it.
flash-contract-not-invoiced = The contract could not be invoiced: { $reasons }

flash-einvoicing-feature-off = Support has not switched the Chorus Pro feature on for your organisation yet. Ask chorus-desk support to switch it on first.
flash-nothing-saved = Nothing was saved.
flash-nothing-changed = Nothing changed.
flash-connection-saved = Chorus Pro connection saved.
flash-einvoicing-enabled = E-invoicing enabled. UBL export is switched on and stays on while Chorus Pro is active.
flash-einvoicing-disabled = E-invoicing disabled. No invoice will be sent to Chorus Pro.
flash-einvoicing-already-enabled = E-invoicing was already enabled.
flash-einvoicing-already-disabled = E-invoicing was already disabled.
flash-einvoicing-not-enabled = E-invoicing was not enabled.
flash-ubl-export-on = UBL export switched on.
flash-ubl-export-off = UBL export switched off.
flash-ubl-export-locked = UBL export stays on: it is required while Chorus Pro is active. Disable e-invoicing first to switch it off.
banner-tech-password-expires = The Chorus Pro technical account password expires on { $date } (in { $days ->
        [one] { $days } day
       *[other] { $days } days
    }). Have your Chorus Pro main manager renew it, then enter the new one below.
banner-tech-password-expired = The Chorus Pro technical account password expired on { $date }: Chorus Pro refuses deposits with it. Have your Chorus Pro main manager renew it, then enter the new one below.

flash-draft-saved = Draft saved. Check it below, then issue it.
flash-issued-queued = { $number } issued and queued for Chorus Pro.
flash-issued-not-sent = { $number } issued. { $reason }
flash-not-sent-chorus-inactive = Chorus Pro is not active for your organisation, so it was not sent: download it to send it yourself.
flash-not-sent-customer = The customer does not receive invoices through Chorus Pro, so it was not sent there.
flash-not-sent-buyer = The buyer is not a French organisation with a SIRET, so it does not go through Chorus Pro.
flash-not-issued = Not issued: { $reasons }
flash-nothing-to-resend = There is nothing to send again: this invoice is not waiting for you.
flash-requeued = Queued again for Chorus Pro.
flash-resent = Queued again for Chorus Pro with the corrected data.
flash-not-resent = Not sent again: { $reasons }
flash-credit-note-issued-only = Only an issued invoice can be corrected by a credit note.
flash-credit-note-created = Credit note draft created from the invoice. Check it, then issue it.
flash-credit-note-failed = The credit note could not be created: { $reasons }
err-invoice-not-found = not found
err-invoice-already-issued = An issued invoice never changes: issue a credit note to correct it.
err-api-no-customer = no customer of yours has this id
err-api-no-contract = no contract of yours has this id

## Invoice status meanings before Chorus Pro answers (src/web/handlers/invoices.rs)

status-draft-meaning = Not issued yet: it can still be changed.
status-issued-meaning = Issued; not sent through Chorus Pro.
status-queued-meaning = Queued: chorus-desk will deposit it on Chorus Pro shortly.
status-hold-meaning = Waiting for you: see the reasons on the invoice page.
status-deposited-meaning = Deposited; waiting for Chorus Pro's answer.

## Chorus Pro readiness of a customer (src/readiness.rs, src/web/handlers/readiness.rs)

readiness-requires-nothing = Neither a service code nor an engagement number is required.
readiness-requires-service = A service code is required on every invoice.
readiness-requires-engagement = An engagement number (numéro d'engagement) is required on every invoice.
readiness-requires-both = Both a service code and an engagement number (numéro d'engagement) are required on every invoice.
readiness-requires-either = A service code or an engagement number (numéro d'engagement) is required on every invoice: at least one of the two.
readiness-service-required = Chorus Pro requires a service code for this customer: choose one of its active services (listed on the customer's Chorus Pro panel).
readiness-service-unknown = Chorus Pro knows no service "{ $code }" for this customer: choose one of its active services (listed on the customer's Chorus Pro panel).
readiness-service-closed = The service { $code } is closed in Chorus Pro: choose one of the customer's active services.
readiness-siret-not-found = SIRET { $siret } is not found in Chorus Pro: check it with the customer; Chorus Pro rejects invoices to an unknown SIRET.
readiness-found = Found in Chorus Pro (structure { $structure }).
readiness-found-named = Found in Chorus Pro: { $name } (structure { $structure }).
readiness-structure-active = The structure is active.
readiness-structure-inactive = The structure is inactive in Chorus Pro: it receives no invoices. Ask the customer which SIRET to invoice now.
readiness-structure-active-unknown = Chorus Pro did not say whether the structure is active.
readiness-service-active = The service { $code } is active.
readiness-service-active-engagement = The service { $code } is active; it requires an engagement number on every invoice.
readiness-contracts-engagement = Contracts of this customer must carry the engagement number (numéro d'engagement): one without it is refused.
readiness-payments-not-reported = This buyer does not report payments to Chorus Pro: invoices stop being followed once approved.
readiness-no-siret = This customer has no SIRET: enter it, then check it against Chorus Pro.
readiness-no-connection = No Chorus Pro connection is set up for this organisation: an admin enters it under Configuration › E-Invoicing.
readiness-unusable = { $detail }
readiness-chorus-failed = Chorus Pro could not be asked; the last answer is kept. { $detail }
flash-readiness-not-checked = Not checked in Chorus Pro yet: { $problem }
flash-readiness-not-found = Checked against Chorus Pro ({ $source }): SIRET { $siret } is not found in Chorus Pro.
flash-readiness-problems = Checked against Chorus Pro ({ $source }): { $count ->
        [0] ready to receive invoices.
        [one] one problem to fix before sending invoices.
       *[other] { $count } problems to fix before sending invoices.
    }
flash-readiness-service-not-offered = That service is not one of this customer's active Chorus Pro services: check the customer again and pick from the list.
flash-readiness-service-not-offered-named = "{ $code }" is not one of this customer's active Chorus Pro services: check the customer again and pick from the list.
flash-service-set-and = Service code set to { $code }. { $then }
flash-service-set-unchecked = Service code set to { $code }, but Chorus Pro could not be asked about it: { $detail }
flash-service-not-changed = The service code was not changed: { $reasons } Edit the customer to fix it.
err-invoice-files-failed = The files could not be produced for this invoice; it has been logged.

## Where to fix what a Chorus Pro rejection reason points at (src/web/handlers/invoices.rs)

hint-fix-customer-siret = Fix the customer's SIRET
hint-fix-buyer-siret = Fix the buyer's SIRET
hint-fix-customer-service-code = Fix the customer's service code
hint-fix-service-code = Fix the service code
hint-fix-contract-engagement = Fix the contract's engagement number
hint-fix-engagement = Fix the engagement number
hint-fix-iban = Fix your bank account

## Error pages (src/error.rs)

error-title-not-found = Not found
error-title-forbidden = Not allowed
error-title-bad-request = Bad request
error-title-conflict = Conflict
error-title-too-many = Too many attempts
error-title-sign-in = Sign in
error-title-server = Server error
error-not-found = This page does not exist, or it belongs to another organisation.
error-forbidden = Your role does not allow this.
error-csrf = This form has expired or did not come from chorus-desk. Reload the page and try again.
error-unauthenticated = Sign in to continue.
error-database = The database did not answer. Try again in a moment.
error-internal = Something went wrong on our side. It has been logged.
error-detail = { $detail }

## Follow-up actions on an invoice the buyer sent back (src/web/handlers/invoices.rs)

flash-followup-nothing-to-recycle = There is nothing to recycle: Chorus Pro does not list this invoice as A_RECYCLER.
flash-followup-nothing-to-complete = There is nothing to complete: Chorus Pro does not list this invoice as SUSPENDUE.
flash-followup-recycled = Sent to Chorus Pro for recycling. The new status shows here as soon as Chorus Pro reports it.
flash-followup-completed = Sent to Chorus Pro. The new status shows here as soon as Chorus Pro reports it.
err-followup-comment-empty = Write the answer the buyer will read.
err-followup-comment-too-long = At most { $max } characters.
err-followup-not-recycled = Not recycled. { $reason }
err-followup-not-completed = Not completed. { $reason }
err-attachment-kind = Chorus Pro does not accept this kind of file: send a PDF, an image, an office document or a ZIP.
err-attachment-name-too-long = Chorus Pro takes file names of at most { $max } characters: rename the file.
err-attachment-empty = The file is empty.
err-attachment-too-large = Chorus Pro takes files under 10 MB.

## Language preference (src/web/handlers/language.rs)

flash-language-saved = Your language has been saved.

## "Test connection" on the E-Invoicing card (src/connection_test.rs). The client's error text
## ($problem, $error) stays as Chorus Pro or PISTE gave it.

conntest-step-token = OAuth token from PISTE
conntest-step-health-check = Chorus Pro health check
conntest-step-supplier-structure = Your supplier structure
conntest-skipped = Not tried: an earlier step failed.
conntest-no-connection = No Chorus Pro connection is saved yet: enter the credentials above and save them first.
conntest-token-ok = PISTE gave a token for these client credentials.
conntest-health-check-ok = Chorus Pro answered and accepted the technical account.
conntest-token-refused-client = PISTE refused the client id or client secret ({ $error }). Check both, and that they belong to the chosen environment.
conntest-token-refused = PISTE refused to give a token: { $problem }.
conntest-unauthorized = Chorus Pro refused the technical account (HTTP 401). Check its login and password: the password expires after 424 days.
conntest-forbidden = The PISTE application is not subscribed to this Chorus Pro API (HTTP 403). Subscribe it in the PISTE console.
conntest-unreachable = Chorus Pro could not be reached: { $problem }. Try again later.
conntest-other = { $problem }.
conntest-structure-unknown = Chorus Pro knows no structure with SIRET { $siret }. Check the supplier SIRET.
conntest-structure-inactive = SIRET { $siret } ({ $name }) is found but not active in Chorus Pro.
conntest-structure-other-id = SIRET { $siret } is Chorus structure { $found }, not { $saved } as saved. Correct the Chorus structure id.
conntest-structure-ok = SIRET { $siret } ({ $name }) is active, Chorus structure { $id }.

## Audit chain verification (src/audit/mod.rs, src/web/handlers/audit.rs)

audit-chain-platform = Platform
audit-chain-name = { $name }
audit-chain-organisation = Organisation { $id }
audit-chain-intact = intact: { $entries } entries verified
audit-chain-intact-since = intact: { $entries } entries verified since the purge of entries up to { $id }
audit-chain-pending = being verified: { $entries } entries verified so far, no break found; the rest is verified in the background (reload to see the result)
audit-chain-broken = BROKEN at { $break }
audit-break-entry = entry { $id }: { $reason }
audit-break-entry-at = entry { $id } ({ $at } UTC): { $reason }
audit-break-entry-action = entry { $id } ({ $at } UTC, { $action }): { $reason }
audit-break-checkpoint-unreadable = this purge checkpoint cannot be read (it was altered)
audit-break-checkpoint-forged = this purge checkpoint's signature is invalid (it was forged or altered, or the secret key changed)
audit-break-before-checkpoint = it is older than the purge checkpoint { $id } yet still present (it was inserted afterwards)
audit-break-link = its link to the previous entry does not match: an entry before it (after entry { $id }) was deleted or altered
audit-break-hash = its content does not match its hash (the entry was altered)
audit-break-truncated = the newest entry of this chain is missing: the log was truncated after entry { $id }
audit-break-outside = it was added to the log outside chorus-desk (the chain's head does not know it)
audit-break-head-deleted = the record of this chain's newest entry (audit_heads) was deleted

## Error pages' frame (templates/error.html)

error-status = Error { $status }
error-back = Back to the dashboard
audit-break-head-seal = the record of this chain's newest entry (audit_heads) is not sealed by chorus-desk: it was moved or altered outside chorus-desk, or the secret key changed

# sec-b: sessions that end, throttling, text XML can carry
err-login-wait = Too many failed attempts from here. Try again in { $seconds } seconds.
flash-session-lifetime = Your session reached its maximum length. Sign in again.
flash-signed-out-everywhere = You are signed out on every browser.
err-text-unwritable-char = This text holds an invisible control character ({ $code }) that invoices cannot carry; retype it without it.
err-invoice-period-before-contract = The period starts before the contract does ({ $date }).
err-invoice-period-after-contract = The period must end by { $date } (the contract's end, or a year from today).
err-invoice-period-too-long = One invoice covers at most { $days } days.

## Pre-send checks from readiness, the invoice's customer and routing corrections (journey-b)

check-chorus-buyer-unknown = the Chorus Pro directory has no structure with SIRET { $siret }: Chorus Pro would reject the invoice
check-chorus-buyer-inactive = the buyer { $siret } is closed in the Chorus Pro directory
check-chorus-service-code-required = this buyer requires a service code (BT-10)
check-chorus-service-code-unknown = the buyer has no service { $code } in the Chorus Pro directory
check-chorus-service-code-closed = the buyer's service { $code } is closed
check-chorus-engagement-required = this buyer requires an engagement number (BT-13)
err-invoice-contract-other-customer = this contract belongs to another customer
err-form-country = Enter a country code such as FR or FRA.
err-routing-not-correctable = only an invoice whose deposit Chorus Pro rejected at integration can have its routing corrected
err-routing-unchanged = nothing changed: correct at least one field before depositing again
flash-routing-corrected = Routing corrected ({ $fields }); the invoice is deposited again under the same number.
err-corrected-copy-not-offered = only an invoice the buyer rejected after Chorus Pro integrated it is corrected with a credit note and a copy in one step
flash-corrected-copy = Credit note { $credit_note } and corrected copy { $copy } issued; both refer to the rejected invoice.
flash-corrected-copy-failed = Nothing was issued: { $reasons }
err-corrected-copy-done = a corrected copy of this invoice was issued already
# journey-c
err-form-too-many-lines = An invoice takes at most { $max } lines and more were typed: nothing was saved. Split the invoice in two, or group lines.

err-saved-item-name-long = at most { $max } characters
err-saved-item-unit = choose a unit from the list
err-saved-item-vat = choose a VAT category from the list
err-saved-item-taken = an item of this name exists already
flash-saved-item-created = Item { $name } saved: the invoice lines editor suggests it.
flash-saved-item-deleted = Item deleted.
flash-saved-item-unknown = No such item.
## journey-a: bank accounts and company profile
err-bank-holder-empty = Enter the account holder's name, as the bank knows it.
err-bank-holder-too-long = The holder's name has at most { $max } characters.
err-bank-iban-duplicate = This IBAN is already one of your accounts.
flash-bank-account-added = Bank account added.
flash-bank-account-saved = Bank account saved.
flash-bank-account-default = Invoices issued from now on are paid to this account.
flash-bank-account-deleted = Bank account deleted.

## Import of existing e-invoices (en16931)

err-import-file = { $detail }
pdf-substitute-warning = The PDF font cannot draw { $characters }: the PDF shows "?" in their place (the XML keeps the exact text).
err-profile-text-too-long = At most { $max } characters.
err-profile-capital-negative = The share capital cannot be negative.
err-profile-capital-cents = The share capital has at most 2 decimals (cents).
err-profile-address-empty = Enter the street address.
err-profile-city-empty = Enter the city.
err-profile-phone = A phone number has digits, spaces and + . - ( ) only.
err-profile-payment-days = Enter a number of days from 0 to { $max }.
err-profile-next-number = Enter a whole number from 1 to 99999.
err-profile-next-number-locked = Invoices were already issued in this series this year: numbering carries on at { $next } without a gap.
err-logo-empty = The logo file is empty.
err-logo-too-large = The logo is at most { $max } KB.
err-logo-format = The logo must be a PNG or JPEG image.
flash-company-saved = Company profile saved: invoices issued from now on use it.
err-bank-one-default = Mark at most one account as the default.
err-bank-unknown-id = No bank account of yours has this id.
err-inv-vat-amount-stated = must be within 1 of the VAT computed for this category and rate (BR-CO-17)

## Notification mails (src/notify/mail.rs)

mail-no-reason = No reason was given.
mail-invoice-rejected-subject = Invoice { $number } was rejected by Chorus Pro
mail-invoice-rejected-body = Invoice { $number } was rejected.
    
    Reason: { $reason }
    
    Fix it and issue it again: { $link }
mail-invoice-suspended-subject = Invoice { $number } is suspended
mail-invoice-suspended-body = The buyer suspended invoice { $number }.
    
    Reason: { $reason }
    
    Complete it: { $link }
mail-invoice-to-recycle-subject = Invoice { $number } must be recycled
mail-invoice-to-recycle-body = The buyer sent invoice { $number } back to recycle: its routing must be fixed.
    
    Reason: { $reason }
    
    Fix the routing: { $link }
mail-invoice-paid-subject = Invoice { $number } is paid
mail-invoice-paid-body = Payment of invoice { $number } was ordered.
    
    { $link }
mail-password-expiring-subject = The Chorus Pro technical password expires in { $days } days
mail-password-expiring-body = The technical account password expires in { $days } days. Change it in Chorus Pro, then enter the new one in the e-invoicing settings.
    
    { $link }
mail-invoice-stuck-subject = { $count } invoices still in processing after { $days } days
mail-invoice-stuck-body = These invoices are still in processing after { $days } days: { $summary }
    
    { $link }
mail-daily-digest-subject = Chorus Pro: { $count } status changes today
mail-daily-digest-body = Status changes of the last day:
    
    { $summary }
    
    { $link }
invoice-import-link = Import a file
invoice-import-title = Import an invoice file
invoice-import-help = A UBL 2.1 or CII D16B XML file, or a Factur-X PDF: it becomes a draft you can check and issue.
invoice-import-file = Invoice file
invoice-import-submit = Import
err-import-no-file = Choose a file to import.
err-einv-identifier-profile = Choose EN 16931 or the AIFE codes.

# Bulk issue and the connection's rate limit (issue 21).
bulk-issue-no-selection = Tick at least one draft to issue.
bulk-issue-nothing = No draft to issue: nothing matches.
bulk-issue-bad-filter = The filter's dates are not understood: correct them and try again.
bulk-issue-period-order = The end of the period must not be before its start.
err-bulk-issue-no-ids = Give at least one draft id.
err-bulk-issue-too-many = At most { $max } ids at once.
err-requests-per-second = Enter a whole number of requests per second from 1 to { $max }, or leave it empty for the default.

# Blank-install journey (issue 17): resend after correcting the customer or the contract.
resend-field-buyer-name = Buyer name
resend-field-buyer-siret = Buyer SIRET
resend-field-service-code = Service code
resend-field-engagement = Engagement
resend-field-market = Market number
resend-none = (none)
resend-value = { $value }
resend-change = { $field }: { $before } → { $after }
err-invoice-resend-unchanged = Nothing changed since the rejected deposit: correct the customer or the contract first, or use Retry to send it as it is.
flash-resent-with = Queued again for Chorus Pro with the corrected data: { $changes }
flash-back-to-invoice = Back on the invoice: check what changed and resend it.
