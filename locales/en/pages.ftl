# Pages: labels, headings, buttons, navigation, table headers, help texts.
# Keys are kebab-case, prefixed by area. Same keys in locales/fr/pages.ftl (a test checks).

## Shared
page-of = page { $page } of { $pages }

## Navigation
nav-invoices = Invoices
nav-skip-to-content = Skip to content
nav-main-label = Main
nav-dashboard = Dashboard
nav-customers = Customers
nav-contracts = Contracts
nav-configuration = Configuration
nav-support = Support
nav-audit-log = Audit log
nav-sign-out = Sign out
footer-tagline = chorus-desk · invoices to Chorus Pro

## Words used on many pages
common-siret = SIRET
common-cancel = Cancel
common-none = none
common-yes = yes
common-no = no
common-active = active
common-archived = archived
common-previous-page = Previous page
common-next-page = Next page
common-pages-label = Pages
common-search = Search
common-edit = Edit
common-optional = optional
common-status = Status
common-name = Name
common-form-has-errors = Some fields need your attention; each one says why below.

## Dashboard
dashboard-title = Dashboard
dashboard-password-expires = The Chorus Pro technical account password expires in { $days } { $days ->
        [one] day
       *[other] days
    }, on { $date }. Change it on the Chorus Pro portal, then enter it in
dashboard-password-expired = The Chorus Pro technical account password expired on { $date }: invoices cannot be sent. Renew it on the Chorus Pro portal, then enter it in
dashboard-einvoicing-link = Configuration › E-Invoicing
dashboard-chorus = Chorus Pro:
dashboard-chorus-active = active
dashboard-chorus-available = available, not enabled
dashboard-chorus-off = not switched on by support
dashboard-accounts = { $count } { $count ->
        [one] account
       *[other] accounts
    }
dashboard-in-processing = In processing
dashboard-sent = Sent
dashboard-rejected = Rejected
dashboard-drafts = Drafts
dashboard-ageing = { $count } for more than 2 days
dashboard-to-act-on = to act on
dashboard-chart-heading = Sent to Chorus Pro, last 14 days
dashboard-chart-title = Invoices by issue date and current state
dashboard-chart-desc = Stacked bars per day: sent, in processing and rejected; the busiest day has { $count } { $count ->
        [one] invoice
       *[other] invoices
    }.
dashboard-chart-sent-count = { $count } sent
dashboard-chart-processing-count = { $count } in processing
dashboard-chart-rejected-count = { $count } rejected
dashboard-no-organisation = Your account is not attached to an organisation.
dashboard-platform = Platform
dashboard-organisations = { $count } { $count ->
        [one] organisation
       *[other] organisations
    }.
dashboard-open-support = Open the support console

## Sign in
login-title = Sign in
login-email = Email
login-password = Password
login-submit = Sign in

## Account
account-password-title = Change your password
account-password-forced = Your account was created with a one-time password. Choose your own to continue.
account-current-password = Current password
account-new-password = New password
account-new-password-hint = at least 12 characters
account-confirm-password = New password, again
account-change-password = Change password
account-language-label = Interface language
account-language-save = Save language

## Customers
common-chorus-pro = Chorus Pro
common-action = Action
customer-new-title = New customer
customer-edit-title = Edit customer
customer-name = Name
customer-name-hint = as on the buyer's invoices, at most 99 characters
customer-address = Address
customer-address-line2 = Address, line 2
customer-postal-code = Postal code
customer-postal-code-hint = 5 digits in France
customer-city = City
customer-country = Country
customer-country-hint = ISO alpha-3, FRA by default
customer-siret-hint = 14 digits; required for Chorus Pro
customer-vat-number = VAT number
customer-service-code = Service code
customer-service-code-hint = optional, the buyer's code service
customer-service-code-hint-services = its active services in Chorus Pro: { $services }
customer-email = Contact email
customer-chorus-checkbox = Receives invoices through Chorus Pro (French public buyers)
customer-save = Save customer
customer-create = Create customer
customer-filter-q = Name or SIRET
customer-filter-show = Show
customer-filter-active = Active customers
customer-filter-archived = Archived customers
customer-filter-all = All customers
customer-filter-any = Any
customer-chorus-yes = Receives invoices through Chorus Pro
customer-chorus-no = Not through Chorus Pro
customer-chorus-yes-lower = receives invoices through Chorus Pro
customer-chorus-no-lower = not through Chorus Pro
customer-list-caption = Customers of your organisation
customer-list-empty = No customer matches.
customer-list-create-one = Create one
customer-count = { $count } { $count ->
        [one] customer
       *[other] customers
    }
customer-restore = Restore this customer
customer-archive = Archive this customer

## Chorus Pro readiness panel (customer page)
readiness-title = Chorus Pro readiness
readiness-problem = Problem:
readiness-ok = OK:
readiness-active-services = Active services
readiness-this-service = this customer's service
readiness-use-service = Use { $code }
readiness-engagement-required = Chorus Pro requires an engagement number (numéro d'engagement) on this customer's invoices: contracts without one are refused.
readiness-engagement-not-required = Chorus Pro does not require an engagement number for this customer.
readiness-engagement-unknown = The last Chorus Pro answer says nothing about an engagement number.
readiness-enter-siret = Enter the customer's SIRET to check it against the Chorus Pro directory.
readiness-not-checked = Not checked against the Chorus Pro directory yet.
readiness-last-checked = Last checked { $at } UTC
readiness-check-again = Check again
readiness-check = Check in Chorus Pro

## Contracts
contract-new-title = New contract
contract-edit-title = Edit contract
contract-show-title = Contract { $number }
contract-line-cell-label = Line { $line }: { $field }
contract-customer = Customer
contract-choose-customer = Choose a customer…
contract-number = Number
contract-number-label = Contract number
contract-title-label = Title
contract-start-date = Start date
contract-end-date = End date
contract-date-hint = 2026-01-31 or 31/01/2026
contract-billing-period = Billing period
contract-external-reference = External reference: numéro d'engagement
contract-external-reference-hint = at most 50 characters; required when the buyer says so
contract-market-number-label = Market number (numéro de marché)
contract-market-number = Market number
contract-engagement-number = Engagement number
contract-billing-lines = Billing lines
contract-lines-help = Leave a row empty to skip it; save to get more empty rows. Decimals with a comma or a dot.
contract-save = Save contract
contract-create = Create contract
contract-filter-q = Number, title or customer
contract-filter-active = Active contracts
contract-filter-archived = Archived contracts
contract-filter-all = All contracts
contract-list-caption = Contracts of your organisation
contract-list-empty = No contract matches.
contract-none-yet = No contract yet.
contract-count = { $count } { $count ->
        [one] contract
       *[other] contracts
    }
contract-from = From
contract-to = To
contract-period = Period
contract-period-from = from { $date }
contract-period-to = to { $date }
contract-billed = { $period ->
        [monthly] billed monthly
        [quarterly] billed quarterly
        [yearly] billed yearly
        [one_off] billed once
       *[other] billed ({ $period })
    }
contract-total-per-period = Total excluding VAT, per period
contract-invoice-title = Invoice this contract
contract-invoice-from = Period from
contract-invoice-to = to
contract-invoice-submit = Create the draft invoice
contract-restore = Restore this contract
contract-archive = Archive this contract
billing-period = { $period ->
    [monthly] Monthly
    [quarterly] Quarterly
    [yearly] Yearly
    [one_off] One-off
   *[other] { $period }
}

## Lines (contracts and invoices)
line-description = Description
line-quantity = Quantity
line-unit = Unit
line-unit-code = unit code
line-unit-rec20 = Unit (UN/ECE rec 20)
line-unit-price = Unit price
line-unit-price-eur = Unit price (€, excl. VAT)
line-vat = VAT
line-vat-category = VAT category
line-vat-rate = VAT rate
line-vat-rate-percent = VAT rate (%)
line-net-amount = Net amount
vat-category = { $code ->
    [S] S: standard rate
    [Z] Z: zero rated
    [E] E: exempt
    [AE] AE: reverse charge
    [K] K: intra-community supply
    [G] G: export outside the EU
    [O] O: outside the scope of VAT
   *[other] { $code }
}
unit-code = { $code ->
    [C62] unit (one)
    [H87] piece
    [HUR] hour
    [DAY] day
    [MON] month
    [ANN] year
    [KGM] kilogram
    [MTR] metre
    [MTK] square metre
    [LTR] litre
    [KWH] kilowatt hour
    [LS] lump sum
    [WEE] week
    [MIN] minute
    [TNE] tonne
    [KMT] kilometre
    [MTQ] cubic metre
    [SET] set
   *[other] { $code }
}
line-unit-price-excl-vat = Unit price excl. VAT

## Invoices: list, rows, form
invoice-invoice = Invoice
invoice-credit-note = Credit note
invoice-credit-note-lower = credit note
invoice-draft = Draft
invoice-new-title = New invoice
invoice-edit-draft-invoice = Edit draft invoice
invoice-edit-draft-credit-note = Edit draft credit note
invoice-filter-by-status = Filter by status
invoice-chip-all = All
invoice-chip = { $status ->
    [draft] Draft
    [issued] Issued outside Chorus Pro
    [in_processing] In processing
    [sent] Sent
    [rejected] Rejected
   *[other] { $status }
}
invoice-status = { $status ->
    [draft] Draft
    [issued] Issued
    [in_processing] In processing
    [sent] Sent
    [rejected] Rejected
   *[other] { $status }
}
invoice-filter-q = Beginning of the customer name or number
invoice-filter-from = Issued from
invoice-filter-to = Issued until
invoice-filter-submit = Filter
invoice-list-caption = Invoices, newest first
invoice-buyer = Buyer
invoice-issue-date = Issue date
invoice-due-date = Due date
invoice-total-incl-vat = Total incl. VAT
invoice-next-check = Next check
invoice-ageing = in processing for { $days } days
invoice-list-empty = No invoice matches.
invoice-list-create = Create an invoice
invoice-list-older = Older invoices →
invoice-form-not-saved = The draft was not saved: { $count } { $count ->
        [one] problem
       *[other] problems
    }, shown next to the fields.
invoice-save-draft = Save draft
invoice-form-buyer = Buyer
invoice-form-siret-hint = 14 digits; required to send through Chorus Pro
invoice-form-country-hint = two letters, FR for France
invoice-form-references = Chorus Pro references
invoice-form-service-code = Service code (BT-10)
invoice-form-service-code-hint = the buyer's service, if it requires one
invoice-form-engagement = Engagement number (BT-13)
invoice-form-engagement-hint = the buyer's commitment (engagement juridique)
invoice-form-market = Market number (BT-12)
invoice-form-dates = Dates and payment
invoice-form-issue-date-hint = today if empty; the number's year comes from it
invoice-form-currency = Currency
invoice-form-currency-hint = ISO code, EUR by default
invoice-form-payment-terms = Payment terms
invoice-form-payment-terms-hint = e.g. 30 days from the invoice date
invoice-form-notes = Notes
invoice-form-notes-hint = printed on the invoice
invoice-form-lines = Lines
invoice-form-lines-hint = empty rows are ignored; decimals with a comma or a dot
invoice-form-line-cell = { $field }, line { $line }
invoice-form-add-lines = Add lines

## Configuration: users and API tokens
common-actions = Actions
common-breadcrumb = Breadcrumb
settings-sections = Configuration sections
settings-users = Users
settings-einvoicing = E-Invoicing
settings-api-tokens = API tokens
users-roles = Roles
users-role = Role
users-deactivated = deactivated
users-must-change-password = must change password
users-deactivate = Deactivate
users-add = Add a person
users-role-user = User: customers, contracts, invoices
users-role-admin = Admin: settings, credentials, users
users-role-auditor = Auditor: reads the transaction log
users-create = Create account
tokens-intro-api = Other systems use the JSON API under
tokens-intro-header = with a token in the header
tokens-intro-scope = A token acts for your whole organisation.
tokens-copy-now = Copy this token now: it is shown only once.
tokens-prefix = Token starts with
tokens-created = Created
tokens-last-used = Last used
tokens-never = never
tokens-revoked = revoked
tokens-revoke = Revoke
tokens-none = No token yet.
tokens-new = New token
tokens-name-hint = the system that will use it
tokens-create = Create token

## Support console
support-organisations = Organisations
support-chorus-feature = Chorus Pro feature
support-currently = Currently
support-on = on
support-off = off
support-on-help = The organisation's admins can enable e-invoicing and enter their credentials.
support-off-help = Switch it on to let the organisation's admins enable e-invoicing.
support-reason = Reason
support-reason-hint = recorded in the audit log
support-switch-off = Switch Chorus Pro off
support-switch-on = Switch Chorus Pro on
support-history = Toggle history
support-change-reason = Change and reason
support-no-change = No change yet.
support-list-caption = Supplier organisations on this platform
support-einvoicing = E-invoicing
support-enabled = enabled
support-not-enabled = not enabled
support-none = No organisation yet. Create the first one below.
support-new = New organisation
support-company-name = Company name
support-country-hint = ISO alpha-3
support-admin-email = First admin's email
support-admin-email-hint = optional: creates their account with a one-time password
support-create = Create organisation

## Audit log
audit-entry-title = Audit entry { $id }
audit-entry-crumb = Entry { $id }
audit-when-utc = When (UTC)
audit-who = Who
audit-chain = Chain
audit-actor = Actor
audit-actor-hint = email or part of it
audit-user-id = user { $id }
audit-action = Action
audit-action-hint = starts with, e.g. login.
audit-target = Target
audit-target-type = Target type
audit-target-type-hint = invoice, user, organisation…
audit-target-id = Target id
audit-target-id-hint = e.g. an invoice id
audit-whole-history = its whole history
audit-outcome = Outcome
audit-hash = Hash
audit-previous-hash = Previous hash
audit-details = Details
audit-history-title = History of { $type } { $id }
audit-history-intro = Every recorded action on it, oldest first, with the exact details recorded.
audit-export-csv = Export CSV
audit-export-json = Export JSON
audit-history-truncated = Only the first { $count } entries are shown; export the history to get all of it.
audit-by = by { $actor }
audit-verification = Chain verification
audit-verified-on = The chains are verified on the
audit-first-page = first page
audit-no-entry = No entry yet.
audit-intact = Intact.
audit-intact-help = No entry has been altered, deleted or inserted since it was recorded.
audit-broken = Broken.
audit-broken-help = The log has been tampered with: the first broken entry of each chain is named below.
audit-pending = Being verified.
audit-pending-help = No break found so far; a long chain is verified in the background.
audit-verification-schedule = Each load verifies the entries appended since the previous one; every chain is walked again from its start at least hourly, and `chorus-desk audit verify` walks everything.
audit-filters = Filters
audit-from-hint = UTC day
audit-to-hint = included
audit-any = Any
audit-all = All
audit-success = Success
audit-success-lower = success
audit-failure = Failure
audit-search-hint = details, actor, action, target
audit-apply-filters = Apply filters
audit-clear = Clear
audit-export-view = Export this view:
audit-list-caption = Audit entries, newest first
audit-no-match = No entry matches these filters.
audit-correct-filters = Correct the filters above.
audit-newest = Newest entries
audit-older = Older entries
audit-search-window = The search reads the newest { $window } entries that match the other filters at a time: entries older than #{ $floor } were not searched.
audit-search-older = Search older entries
audit-search-older-hint = (or narrow the dates).

## Invoice page
invoice-title-invoice = Invoice { $number }
invoice-title-credit-note = Credit note { $number }
invoice-title-draft-invoice = Draft invoice
invoice-title-draft-credit-note = Draft credit note
invoice-corrects = Corrects invoice
invoice-corrects-label = Corrects
invoice-edit-draft = Edit draft
invoice-issue = Issue
invoice-issue-help = Issuing gives the next number and freezes the invoice; it is then queued for Chorus Pro when the buyer receives through it.
invoice-unreadable = This invoice cannot be read:
invoice-flux-number = Flux number
invoice-chorus-id = Chorus invoice id
invoice-deposited = Deposited
invoice-ageing-label = Ageing
invoice-last-error = Last error
invoice-reasons = Reasons
invoice-recycle-title = Fix routing and recycle
invoice-recycle-help = The buyer sent this invoice back because its routing is wrong. Correct it and Chorus Pro sends the same invoice again.
invoice-buyer-siret = Buyer SIRET
invoice-engagement-or-order = Engagement number / purchase order
invoice-comment = Comment
invoice-complete = Complete
invoice-complete-help = The buyer suspended this invoice and asks for more information. Answer them, with a file if needed.
invoice-file = File
invoice-complete-file-hint = optional; under 10 MB, name up to 50 characters
invoice-retry = Retry
invoice-resend = Resend after correction
invoice-seller = Seller
invoice-references-dates = References and dates
invoice-vat-breakdown = VAT breakdown
invoice-taxable-amount = Taxable amount
invoice-vat-amount = VAT amount
invoice-total-excl-vat = Total excl. VAT
invoice-amount-due = Amount due
invoice-checks = Pre-send checks
invoice-checks-ok = No problem found: EN 16931 and Chorus Pro rules pass.
invoice-checks-problems = { $count } { $count ->
        [one] problem
       *[other] problems
    } Chorus Pro or EN 16931 would refuse:
invoice-preview = What will be sent
invoice-file-what = What
invoice-file-size = Size
invoice-file-ubl = UBL 2.1 invoice, deposited on Chorus Pro
invoice-file-pdf-zipped = the invoice PDF, zipped, embedded in the UBL
invoice-file-pdf = the invoice PDF, embedded in the UBL
invoice-file-supporting = supporting document, embedded in the UBL
invoice-limits = Chorus Pro limits: file names up to 50 characters, each attachment under 10 MB, 120 MB in all.
invoice-download-ubl = Download the UBL
invoice-download-pdf = Download the PDF
invoice-download-zip = Download both (ZIP)

## Configuration: e-invoicing
einv-general = General
einv-integrations = Integrations
einv-intro = Sends invoices for French public-sector customers to Chorus Pro and follows them until they are paid.
einv-status = Status:
einv-enabled-feature-off = enabled, but the feature is switched off by support
einv-feature-off = Support has not switched the Chorus Pro feature on for your organisation yet.
einv-feature-off-help = Ask chorus-desk support to switch it on: until then you cannot enable e-invoicing or enter credentials.
einv-is-enabled = E-invoicing is enabled: eligible invoices are sent to Chorus Pro.
einv-disable = Disable
einv-is-not-enabled = E-invoicing is not enabled. Enabling it also switches UBL export on.
einv-enable = Enable e-invoicing
einv-connection = Connection
einv-credentials-help = Credentials are stored encrypted and never shown again. Leave a credential empty to keep the one already stored.
einv-secrets-dropped = The form has errors. For your safety the secrets you typed were not kept: type them again.
einv-environment = Environment
einv-piste-client-id = PISTE client id
einv-piste-client-secret = PISTE client secret
einv-tech-login = Technical account login
einv-tech-password = Technical account password
einv-tech-password-expiry = Chorus Pro technical passwords expire after 424 days.
einv-supplier-siret = Supplier SIRET
einv-supplier-siret-help = The establishment invoices are sent from; empty means your organisation's SIRET ({ $siret }).
einv-structure-id = Chorus structure id
einv-structure-id-help = Chorus Pro's number for your structure (idStructureCPP).
einv-deposit-format = Deposit format
einv-attachment-mode = Attachment mode
einv-save-connection = Save connection
einv-test = Test connection
einv-test-help = Uses the saved connection: a token from PISTE, the Chorus Pro health check, then your supplier structure.
einv-test-results = Test connection results
einv-ubl-export = UBL export
einv-ubl-help = Produces each issued invoice as a UBL 2.1 file (EN 16931) next to its PDF.
einv-ubl-locked = Required while Chorus Pro is active. Disable e-invoicing first to switch it off.
einv-save-ubl = Save UBL export
einv-credential-set = Set on { $date }
einv-credential-not-set = Not set
einv-env-production = Production
einv-env-sandbox = Sandbox (Chorus Pro qualification)
einv-env-simulator = Built-in simulator
einv-attachment-zip = ZIP (invoice file and its PDF together)
einv-attachment-pdf = PDF attached to the invoice
einv-attachment-none = No PDF attached
conntest-step-title = { $title }:
conntest-outcome-ok = OK
conntest-outcome-failed = Failed
conntest-outcome-skipped = Skipped
audit-chain-line = { $name }:

# sec-b: sessions
account-sessions-title = Sessions
account-sessions-hint = Signed in on a computer you no longer use? End every session of your account, this one included.
account-sign-out-everywhere = Sign out everywhere
## The invoice form's customer picker and the routing correction (journey-b)

invoice-picker-title = Customer
invoice-picker-hint = the buyer block, service code and due date come from it
invoice-picker-search = Search a customer (name or SIRET)
invoice-picker-customer = Customer
invoice-picker-one-off = (one-off buyer, typed below)
invoice-picker-no-match = No customer matches this search.
invoice-picker-contract = Contract
invoice-picker-no-contract = (no contract)
invoice-picker-use = Use this customer
invoice-issue-despite = { $count ->
        [one] Issue despite 1 problem
       *[other] Issue despite { $count } problems
    }
invoice-issue-warning = { $count ->
        [one] Chorus Pro would probably reject this invoice: see the problem in
       *[other] Chorus Pro would probably reject this invoice: see the { $count } problems in
    }
invoice-routing-title = Correct the routing of { $number }
invoice-routing-crumb = Correct the routing
invoice-routing-help = Chorus Pro rejected this invoice at integration: the buyer never received it and its number was not used there. Correct the routing data below; the invoice is deposited again under the same number.
invoice-routing-never-amounts = Amounts and lines never change here: to change them, issue a credit note.
invoice-routing-submit = Correct and deposit again
invoice-routing-customer-now = The customer record says now:
invoice-routing-contract-now = The contract says now:
invoice-routing-open-customer = open the customer
invoice-routing-open-contract = open the contract
invoice-routing-not-correctable = Only an invoice whose deposit Chorus Pro rejected at integration can have its routing corrected. An invoice the buyer received is corrected with a credit note.
invoice-routing-back = Back to the invoice
invoice-routing-link = Correct the routing and deposit again
invoice-routing-link-help = buyer SIRET, service code, engagement and market numbers; same number
invoice-routing-field = { $field ->
        [buyer_siret] buyer SIRET
        [service_code] service code
        [engagement] engagement number
       *[market] market number
    }
customer-new-invoice = New invoice
customer-invoice-number = Number
customer-no-invoice-yet = No invoice for this customer yet.
invoice-corrected-copy = Credit note and corrected copy
invoice-corrected-copy-help = issues a credit note cancelling this invoice and a copy with a new number, its buyer and references as the customer and contract say now
# journey-c: dashboard amounts, phone menu
dashboard-to-be-paid = To be paid
dashboard-paid = Paid
nav-menu = Menu
audit-export-csv-excel = CSV for Excel (;)
einv-enabled-credentials-missing = enabled, waiting for the credentials (not active until all four are stored)
items-title = Saved items
items-help = The services you invoice again and again: the invoice lines editor suggests them by name, and a line with only the name of an item (no unit price) takes its unit, price and VAT when the invoice is saved.
items-none = No saved item yet.
items-new = New item
items-save = Save the item
items-delete = Delete
invoice-form-items-link = Saved items
## journey-a: Configuration › Bank accounts and Company
settings-company = Company
settings-bank-accounts = Bank accounts
bank-intro = Invoices are paid to the default account: every invoice issued from now on names it (IBAN, BIC, holder) and prints it. Invoices already issued keep the account they were issued with.
bank-iban = IBAN
bank-iban-hint = spaces allowed, like FR76 3000 6000 0112 3456 7890 189
bank-bic = BIC
bank-holder = Account holder
bank-default = Default
bank-edit = Edit
bank-make-default = Make default
bank-delete = Delete
bank-none = No bank account yet: invoices sent through Chorus Pro need one.
bank-edit-title = Edit the bank account
bank-add-title = Add a bank account
bank-make-default-checkbox = Invoices are paid to this account (default)
bank-save = Save the account
bank-add = Add the account
# journey-c: audit details as labelled values
detail-yes = yes
detail-no = no
audit-raw-record = The record as stored (JSON)
audit-field-feature = Feature
audit-field-old = Before
audit-field-new = After
audit-field-reason = Reason
audit-field-name = Name
audit-field-siret = SIRET
audit-field-email = Email
audit-field-roles = Roles
audit-field-format = Format
audit-field-filters = Filters
audit-field-locale = Language
audit-field-environment = Environment
audit-field-steps = Steps
audit-field-step = Step
audit-field-outcome = Outcome
audit-field-detail = Detail
audit-field-enabled = Enabled
audit-field-requested = Requested
audit-field-refused = Refused because
audit-field-number = Number
audit-field-changed = Changed
company-intro = Your invoices show these details as the seller's. Changes apply to invoices issued from now on; issued invoices keep the details they were issued with.
company-identity = Legal identity
company-siret-hint = set by support when the organisation was created
company-legal-name = Legal name
company-trading-name = Trading name
company-legal-form = Legal form
company-legal-form-hint = like SAS, SARL, EI
company-share-capital = Share capital (€)
company-share-capital-hint = optional, like 10 000
company-registration = Registration (RCS or RM)
company-registration-hint = like RCS Paris 732 829 320
company-address-contact = Address and contact
company-country-hint = FR or FRA
company-contact-email = Contact email
company-contact-phone = Contact phone
company-logo = Logo
company-logo-current = Current logo:
company-logo-remove = Remove the logo
company-logo-upload = New logo
company-logo-hint = PNG or JPEG, at most { $max } KB; printed on the PDF
company-payment = Payment terms and late-payment mentions
company-payment-days = Days to pay
company-payment-days-hint = 0 to 60; public buyers pay within 30 days
company-payment-end-of-month = End of month
company-late-penalty = Late-payment penalties (printed on every invoice)
company-recovery-indemnity = Fixed recovery indemnity (printed on every invoice)
company-numbering = Invoice numbering
company-prefix = Prefix
company-prefix-hint = up to 8 letters, digits, - _ /
company-next-number = Next number this year
company-next-number-hint = can be changed only before the year's first invoice
company-number-preview = The next invoice will be numbered
company-save = Save the company profile
dashboard-chorus-credentials-missing = waiting for the credentials
## Notifications (issue 19): mail preferences, webhooks, outbox

notify-pref-title = Notifications
notify-pref-intro = Choose the mails you receive, in your saved language.
notify-pref-legend = Send me a mail when
notify-pref-invoice-rejected = an invoice is rejected (with the reason and the link to fix it)
notify-pref-invoice-suspended = an invoice is suspended
notify-pref-invoice-to-recycle = an invoice is sent back to recycle
notify-pref-invoice-paid = an invoice is paid
notify-pref-password-expiring = the Chorus Pro technical password expires in 30 and in 7 days
notify-pref-invoice-stuck = invoices are stuck in processing for days
notify-pref-daily-digest = once a day, a digest of the status changes
notify-pref-save = Save
notify-pref-saved = Your notification choices are saved.
notify-webhooks-title = Webhooks
notify-webhooks-intro = Each invoice state change and each rejection is sent to these endpoints as signed JSON (HMAC-SHA256 of timestamp.body). The API and the webhook format:
notify-webhooks-none = No endpoint yet.
notify-webhook-new = New endpoint
notify-webhook-create = Register the endpoint
notify-webhook-events = Events
notify-webhook-ev-status = the whole life of an invoice: issued, every status change, recycled, completed
notify-webhook-ev-rejected = rejections only
notify-webhook-secret-once = Copy this signing secret now: it will not be shown again.
notify-webhook-remove = Remove
notify-webhook-removed = The endpoint is removed: nothing more is sent to it.
notify-webhook-removed-state = Removed
notify-webhook-send-test = Send test event
notify-webhook-test-queued = A test event is on its way.
notify-webhook-deliveries = Deliveries
notify-webhook-event = Event
notify-webhook-no-deliveries = Nothing sent yet.
notify-webhook-no-events = Choose at least one event.
notify-webhook-url-invalid = Enter an http:// or https:// URL without a user name or password.
notify-webhook-url-unresolved = This host name cannot be resolved.
notify-webhook-url-private = This address is private, loopback or reserved ({ $address }): endpoints must be reachable on the internet.
notify-attempts = Attempts
notify-next-attempt = Next attempt
notify-last-error = Last error
notify-outbox-title = Mail outbox
notify-outbox-smtp-on = Mails are sent through the configured SMTP server.
notify-outbox-smtp-off = No SMTP server is configured (CHORUS_DESK_SMTP_URL): mails wait here and are sent once one is.
notify-outbox-empty = No mail yet.
notify-recipient = Recipient
notify-sent-at = Sent
einv-advanced = Advanced
einv-advanced-hint = Leave blank to use the environment's addresses. Only https, or http towards this machine (127.0.0.1, localhost).
einv-token-url-override = PISTE token URL
einv-api-base-url-override = API base URL
einv-save-endpoints = Save the addresses
einv-endpoint-invalid = Enter a full URL, for example https://sandbox-api.piste.gouv.fr
einv-endpoint-insecure = The address must start with https:// (http:// only for 127.0.0.1, ::1 or localhost).

account-notifications-link = Choose which events are mailed to you (rejections, payments, password expiry, daily digest)
einv-identifier-profile = Identifier scheme of the SIRET
einv-identifier-profile-en16931 = EN 16931 (ISO 6523 code 0009, the default)
einv-identifier-profile-aife = Chorus Pro AIFE code (1 for a SIRET)
einv-identifier-profile-help = How the seller's and the buyer's SIRET are qualified in the UBL or CII deposited. Keep EN 16931 unless Chorus Pro asks you for the AIFE codes.
invoice-deposited-file = Deposited file
invoice-deposited-original = the original file, byte for byte
invoice-deposited-generated = generated by chorus-desk
invoice-imported-original = Imported from a { $format } file. It is deposited as it is while the invoice keeps its number and nothing is edited; otherwise chorus-desk generates the file.

# Bulk issue and the connection's rate limit (issue 21).
bulk-issue-selected = Issue the selected drafts
bulk-issue-filter = Issue every draft matching this filter
bulk-issue-pick = Select this draft for a bulk issue
bulk-issue-title = Bulk issue
bulk-issue-progress = { $done } of { $total } done
bulk-issue-summary = Issued: { $issued }. Refused: { $refused }.
bulk-issue-running = Issuing… this page follows the progress by itself.
bulk-issue-refusals = Refused, with the reason
bulk-issue-refused-draft = Draft { $id }
bulk-issue-refused-contract = Contract { $id }
bulk-issue-back = Back to the invoices
bulk-issue-contracts-title = Invoice every active contract for a period
bulk-issue-contracts-hint = A draft is made from each active contract for the period, then issued; the drafts that cannot be issued stay drafts, listed with the reason.
bulk-issue-period-start = Period start
bulk-issue-period-end = Period end
bulk-issue-contracts-submit = Make the drafts and issue them
einv-requests-per-second = Requests per second to Chorus Pro
einv-requests-per-second-hint = At most this many calls start per second on this connection, 16 at once at most (empty: 20). Set it to the quota your PISTE application shows; a 429 answer pauses this connection for its Retry-After.
einv-save-rate-limit = Save the rate limit

invoice-resend-changes = Changed since the rejected deposit
invoice-resend-unchanged = "Resend after correction" appears once the customer or the contract has been corrected; Retry sends the invoice as it is.
form-return-notice = You came from an invoice: saving brings you back to it, to resend it.
form-return-cancel = Back to the invoice without saving
nav-items = Saved items
## Notifications (issue 19): mails in doubt and "Send again"
notify-outbox-in-doubt-intro = Some mails are in doubt: the sender stopped while the mail server may already have taken them. They are not sent again by themselves, so that nobody gets a mail twice. Ask the recipient, or check the mail server, then use "Send again" if it did not arrive.
notify-mail-send-again = Send again
notify-mail-send-again-none = Choose a mail to send again.
notify-mail-send-again-queued = The mail will be sent again in a moment, with the same Message-ID.
notify-mail-send-again-not-waiting = This mail is not in doubt any more: nothing was changed.
notify-mail-status-pending = Waiting
notify-mail-status-sending = Sending
notify-mail-status-sent = Sent
notify-mail-status-in-doubt = In doubt: maybe sent
notify-mail-status-failed = Given up
