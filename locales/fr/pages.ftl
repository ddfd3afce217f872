# Pages : libellés, titres, boutons, navigation, en-têtes de tableaux, aides.
# Mêmes clés que locales/en/pages.ftl (un test le vérifie).

## Commun
page-of = page { $page } sur { $pages }

## Navigation
nav-invoices = Factures
nav-skip-to-content = Aller au contenu
nav-main-label = Navigation principale
nav-dashboard = Tableau de bord
nav-customers = Clients
nav-contracts = Contrats
nav-configuration = Configuration
nav-support = Support
nav-audit-log = Journal d'audit
nav-sign-out = Se déconnecter
footer-tagline = chorus-desk · factures vers Chorus Pro

## Mots communs à plusieurs pages
common-siret = SIRET
common-cancel = Annuler
common-none = aucun
common-yes = oui
common-no = non
common-active = actif
common-archived = archivé
common-previous-page = Page précédente
common-next-page = Page suivante
common-pages-label = Pages
common-search = Rechercher
common-edit = Modifier
common-optional = facultatif
common-status = Statut
common-name = Nom
common-form-has-errors = Certains champs sont à corriger ; chacun indique pourquoi ci-dessous.

## Tableau de bord
dashboard-title = Tableau de bord
dashboard-password-expires = Le mot de passe du compte technique Chorus Pro expire dans { $days } { $days ->
        [one] jour
       *[other] jours
    }, le { $date }. Changez-le sur le portail Chorus Pro, puis saisissez-le dans
dashboard-password-expired = Le mot de passe du compte technique Chorus Pro a expiré le { $date } : les factures ne peuvent plus être envoyées. Renouvelez-le sur le portail Chorus Pro, puis saisissez-le dans
dashboard-einvoicing-link = Configuration › Facturation électronique
dashboard-chorus = Chorus Pro :
dashboard-chorus-active = actif
dashboard-chorus-available = disponible, non activé
dashboard-chorus-off = non ouvert par le support
dashboard-accounts = { $count } { $count ->
        [one] compte
       *[other] comptes
    }
dashboard-in-processing = En cours de traitement
dashboard-sent = Envoyées
dashboard-rejected = Rejetées
dashboard-drafts = Brouillons
dashboard-ageing = { $count } depuis plus de 2 jours
dashboard-to-act-on = à traiter
dashboard-chart-heading = Envoyées à Chorus Pro, 14 derniers jours
dashboard-chart-title = Factures par date d'émission et état actuel
dashboard-chart-desc = Barres empilées par jour : envoyées, en cours de traitement et rejetées ; le jour le plus chargé compte { $count } { $count ->
        [one] facture
       *[other] factures
    }.
dashboard-chart-sent-count = { $count } { $count ->
        [one] envoyée
       *[other] envoyées
    }
dashboard-chart-processing-count = { $count } en cours de traitement
dashboard-chart-rejected-count = { $count } { $count ->
        [one] rejetée
       *[other] rejetées
    }
dashboard-no-organisation = Votre compte n'est rattaché à aucune organisation.
dashboard-platform = Plateforme
dashboard-organisations = { $count } { $count ->
        [one] organisation
       *[other] organisations
    }.
dashboard-open-support = Ouvrir la console de support
