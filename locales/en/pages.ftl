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
dashboard-password-expires = The Chorus Pro technical account password expires in { $days } day(s), on { $date }. Change it on the Chorus Pro portal, then enter it in
dashboard-password-expired = The Chorus Pro technical account password expired on { $date }: invoices cannot be sent. Renew it on the Chorus Pro portal, then enter it in
dashboard-einvoicing-link = Configuration › E-Invoicing
dashboard-chorus = Chorus Pro:
dashboard-chorus-active = active
dashboard-chorus-available = available, not enabled
dashboard-chorus-off = not switched on by support
dashboard-accounts = { $count } account(s)
dashboard-in-processing = In processing
dashboard-sent = Sent
dashboard-rejected = Rejected
dashboard-drafts = Drafts
dashboard-ageing = { $count } for more than 2 days
dashboard-to-act-on = to act on
dashboard-chart-heading = Sent to Chorus Pro, last 14 days
dashboard-chart-title = Invoices by issue date and current state
dashboard-chart-desc = Stacked bars per day: sent, in processing and rejected; the busiest day has { $count } invoice(s).
dashboard-chart-sent-count = { $count } sent
dashboard-chart-processing-count = { $count } in processing
dashboard-chart-rejected-count = { $count } rejected
dashboard-no-organisation = Your account is not attached to an organisation.
dashboard-platform = Platform
dashboard-organisations = { $count } organisation(s).
dashboard-open-support = Open the support console
