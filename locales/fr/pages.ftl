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
common-form-has-errors = Certains champs sont à corriger ; chacun indique pourquoi ci-dessous.

## Tableau de bord
dashboard-title = Tableau de bord
dashboard-password-expires = Le mot de passe du compte technique Chorus Pro expire dans { $days } { $days ->
        [one] jour
       *[other] jours
    }, le { $date }. Changez-le sur le portail Chorus Pro, puis saisissez-le dans
dashboard-password-expired = Le mot de passe du compte technique Chorus Pro a expiré le { $date } : les factures ne peuvent plus être envoyées. Renouvelez-le sur le portail Chorus Pro, puis saisissez-le dans
dashboard-einvoicing-link = Configuration › Facturation électronique
dashboard-chorus = Chorus Pro :
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
dashboard-chart-desc = Barres empilées par jour : envoyées, en cours de traitement et rejetées ; le jour le plus chargé compte { $count } { $count ->
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

## Connexion
login-title = Connexion
login-email = Adresse e-mail
login-password = Mot de passe
login-submit = Se connecter

## Compte
account-password-title = Changer votre mot de passe
account-password-forced = Votre compte a été créé avec un mot de passe à usage unique. Choisissez le vôtre pour continuer.
account-current-password = Mot de passe actuel
account-new-password = Nouveau mot de passe
account-new-password-hint = au moins 12 caractères
account-confirm-password = Nouveau mot de passe, à nouveau
account-change-password = Changer le mot de passe
account-language-label = Langue de l'interface
account-language-save = Enregistrer la langue

## Clients
common-chorus-pro = Chorus Pro
common-action = Action
customer-new-title = Nouveau client
customer-edit-title = Modifier le client
customer-name = Raison sociale
customer-name-hint = telle qu'elle figure sur les factures de l'acheteur, 99 caractères au plus
customer-address = Adresse
customer-address-line2 = Complément d'adresse
customer-postal-code = Code postal
customer-postal-code-hint = 5 chiffres en France
customer-city = Ville
customer-country = Pays
customer-country-hint = code ISO alpha-3, FRA par défaut
customer-siret-hint = 14 chiffres ; obligatoire pour Chorus Pro
customer-vat-number = Numéro de TVA intracommunautaire
customer-service-code = Code service
customer-service-code-hint = facultatif, le code service de l'acheteur
customer-service-code-hint-services = ses services actifs dans Chorus Pro : { $services }
customer-email = E-mail de contact
customer-chorus-checkbox = Reçoit ses factures par Chorus Pro (acheteurs publics français)
customer-save = Enregistrer le client
customer-create = Créer le client
customer-filter-q = Nom ou SIRET
customer-filter-show = Afficher
customer-filter-active = Clients actifs
customer-filter-archived = Clients archivés
customer-filter-all = Tous les clients
customer-filter-any = Tous
customer-chorus-yes = Reçoit ses factures par Chorus Pro
customer-chorus-no = Hors Chorus Pro
customer-chorus-yes-lower = reçoit ses factures par Chorus Pro
customer-chorus-no-lower = hors Chorus Pro
customer-list-caption = Clients de votre organisation
customer-list-empty = Aucun client ne correspond.
customer-list-create-one = En créer un
customer-count = { $count } { $count ->
        [one] client
       *[other] clients
    }
customer-restore = Restaurer ce client
customer-archive = Archiver ce client

## Panneau « Prêt pour Chorus Pro » (fiche client)
readiness-title = Prêt pour Chorus Pro
readiness-problem = Problème :
readiness-ok = OK :
readiness-active-services = Services actifs
readiness-this-service = service de ce client
readiness-use-service = Utiliser { $code }
readiness-engagement-required = Chorus Pro exige un numéro d'engagement sur les factures de ce client : les contrats sans numéro d'engagement sont refusés.
readiness-engagement-not-required = Chorus Pro n'exige pas de numéro d'engagement pour ce client.
readiness-engagement-unknown = La dernière réponse de Chorus Pro ne dit rien du numéro d'engagement.
readiness-enter-siret = Saisissez le SIRET du client pour le vérifier dans l'annuaire Chorus Pro.
readiness-not-checked = Pas encore vérifié dans l'annuaire Chorus Pro.
readiness-last-checked = Dernière vérification le { $at } UTC
readiness-check-again = Vérifier à nouveau
readiness-check = Vérifier dans Chorus Pro

## Contrats
contract-new-title = Nouveau contrat
contract-edit-title = Modifier le contrat
contract-show-title = Contrat { $number }
contract-line-cell-label = Ligne { $line } : { $field }
contract-customer = Client
contract-choose-customer = Choisissez un client…
contract-number = Numéro
contract-number-label = Numéro de contrat
contract-title-label = Intitulé
contract-start-date = Date de début
contract-end-date = Date de fin
contract-date-hint = 31/01/2026 ou 2026-01-31
contract-billing-period = Périodicité de facturation
contract-external-reference = Référence externe : numéro d'engagement
contract-external-reference-hint = 50 caractères au plus ; obligatoire si l'acheteur l'exige
contract-market-number-label = Numéro de marché
contract-market-number = Numéro de marché
contract-engagement-number = Numéro d'engagement
contract-billing-lines = Lignes de facturation
contract-lines-help = Laissez une ligne vide pour l'ignorer ; enregistrez pour obtenir d'autres lignes vides. Décimales avec une virgule ou un point.
contract-save = Enregistrer le contrat
contract-create = Créer le contrat
contract-filter-q = Numéro, intitulé ou client
contract-filter-active = Contrats actifs
contract-filter-archived = Contrats archivés
contract-filter-all = Tous les contrats
contract-list-caption = Contrats de votre organisation
contract-list-empty = Aucun contrat ne correspond.
contract-none-yet = Aucun contrat pour l'instant.
contract-count = { $count } { $count ->
        [one] contrat
       *[other] contrats
    }
contract-from = Du
contract-to = Au
contract-period = Période
contract-period-from = du { $date }
contract-period-to = au { $date }
contract-billed = { $period ->
        [monthly] facturé mensuellement
        [quarterly] facturé trimestriellement
        [yearly] facturé annuellement
        [one_off] facturé en une fois
       *[other] facturé ({ $period })
    }
contract-total-per-period = Total HT par période
contract-invoice-title = Facturer ce contrat
contract-invoice-from = Période du
contract-invoice-to = au
contract-invoice-submit = Créer le brouillon de facture
contract-restore = Restaurer ce contrat
contract-archive = Archiver ce contrat
billing-period = { $period ->
    [monthly] Mensuelle
    [quarterly] Trimestrielle
    [yearly] Annuelle
    [one_off] Ponctuelle
   *[other] { $period }
}

## Lignes (contrats et factures)
line-description = Désignation
line-quantity = Quantité
line-unit = Unité
line-unit-code = code unité
line-unit-rec20 = Unité (recommandation 20 CEE-ONU)
line-unit-price = Prix unitaire
line-unit-price-eur = Prix unitaire (€ HT)
line-vat = TVA
line-vat-category = Catégorie de TVA
line-vat-rate = Taux de TVA
line-vat-rate-percent = Taux de TVA (%)
line-net-amount = Montant HT
vat-category = { $code ->
    [S] S : taux normal
    [Z] Z : taux zéro
    [E] E : exonéré
    [AE] AE : autoliquidation
    [K] K : livraison intracommunautaire
    [G] G : exportation hors UE
    [O] O : hors champ de la TVA
   *[other] { $code }
}
unit-code = { $code ->
    [C62] unité
    [H87] pièce
    [HUR] heure
    [DAY] jour
    [MON] mois
    [ANN] année
    [KGM] kilogramme
    [MTR] mètre
    [MTK] mètre carré
    [LTR] litre
    [KWH] kilowattheure
    [LS] forfait
    [WEE] semaine
    [MIN] minute
    [TNE] tonne
    [KMT] kilomètre
    [MTQ] mètre cube
    [SET] lot
   *[other] { $code }
}
line-unit-price-excl-vat = Prix unitaire HT

## Factures : liste, lignes, formulaire
invoice-invoice = Facture
invoice-credit-note = Avoir
invoice-credit-note-lower = avoir
invoice-draft = Brouillon
invoice-new-title = Nouvelle facture
invoice-edit-draft-invoice = Modifier le brouillon de facture
invoice-edit-draft-credit-note = Modifier le brouillon d'avoir
invoice-filter-by-status = Filtrer par statut
invoice-chip-all = Toutes
invoice-chip = { $status ->
    [draft] Brouillons
    [issued] Émises hors Chorus Pro
    [in_processing] En cours de traitement
    [sent] Envoyées
    [rejected] Rejetées
   *[other] { $status }
}
invoice-status = { $status ->
    [draft] Brouillon
    [issued] Émise
    [in_processing] En cours de traitement
    [sent] Envoyée
    [rejected] Rejetée
   *[other] { $status }
}
invoice-filter-q = Début du nom du client ou du numéro
invoice-filter-from = Émises à partir du
invoice-filter-to = Émises jusqu'au
invoice-filter-submit = Filtrer
invoice-list-caption = Factures, les plus récentes d'abord
invoice-buyer = Acheteur
invoice-issue-date = Date d'émission
invoice-due-date = Date d'échéance
invoice-total-incl-vat = Total TTC
invoice-next-check = Prochaine vérification
invoice-ageing = en cours de traitement depuis { $days } jours
invoice-list-empty = Aucune facture ne correspond.
invoice-list-create = Créer une facture
invoice-list-older = Factures plus anciennes →
invoice-form-not-saved = Le brouillon n'a pas été enregistré : { $count } { $count ->
        [one] problème, indiqué
       *[other] problèmes, indiqués
    } à côté des champs.
invoice-save-draft = Enregistrer le brouillon
invoice-form-buyer = Acheteur
invoice-form-siret-hint = 14 chiffres ; obligatoire pour un envoi par Chorus Pro
invoice-form-country-hint = deux lettres, FR pour la France
invoice-form-references = Références Chorus Pro
invoice-form-service-code = Code service (BT-10)
invoice-form-service-code-hint = le service de l'acheteur, s'il en exige un
invoice-form-engagement = Numéro d'engagement (BT-13)
invoice-form-engagement-hint = l'engagement juridique de l'acheteur
invoice-form-market = Numéro de marché (BT-12)
invoice-form-dates = Dates et paiement
invoice-form-issue-date-hint = aujourd'hui si vide ; l'année du numéro en découle
invoice-form-currency = Devise
invoice-form-currency-hint = code ISO, EUR par défaut
invoice-form-payment-terms = Conditions de paiement
invoice-form-payment-terms-hint = par exemple 30 jours à compter de la date de facture
invoice-form-notes = Mentions
invoice-form-notes-hint = imprimées sur la facture
invoice-form-lines = Lignes
invoice-form-lines-hint = les lignes vides sont ignorées ; décimales avec une virgule ou un point
invoice-form-line-cell = { $field }, ligne { $line }
invoice-form-add-lines = Ajouter des lignes

## Configuration : utilisateurs et jetons d'API
common-actions = Actions
common-breadcrumb = Fil d'Ariane
settings-sections = Rubriques de configuration
settings-users = Utilisateurs
settings-einvoicing = Facturation électronique
settings-api-tokens = Jetons d'API
users-roles = Rôles
users-role = Rôle
users-deactivated = désactivé
users-must-change-password = doit changer son mot de passe
users-deactivate = Désactiver
users-add = Ajouter une personne
users-role-user = Utilisateur : clients, contrats, factures
users-role-admin = Administrateur : paramètres, identifiants, utilisateurs
users-role-auditor = Auditeur : consulte le journal des opérations
users-create = Créer le compte
tokens-intro-api = Les autres systèmes utilisent l'API JSON sous
tokens-intro-header = avec un jeton dans l'en-tête
tokens-intro-scope = Un jeton agit pour toute votre organisation.
tokens-copy-now = Copiez ce jeton maintenant : il n'est affiché qu'une fois.
tokens-prefix = Début du jeton
tokens-created = Créé le
tokens-last-used = Dernière utilisation
tokens-never = jamais
tokens-revoked = révoqué
tokens-revoke = Révoquer
tokens-none = Aucun jeton pour l'instant.
tokens-new = Nouveau jeton
tokens-name-hint = le système qui l'utilisera
tokens-create = Créer le jeton

## Console de support
support-organisations = Organisations
support-chorus-feature = Fonction Chorus Pro
support-currently = Actuellement
support-on = activée
support-off = désactivée
support-on-help = Les administrateurs de l'organisation peuvent activer la facturation électronique et saisir leurs identifiants.
support-off-help = Activez-la pour permettre aux administrateurs de l'organisation d'activer la facturation électronique.
support-reason = Motif
support-reason-hint = consigné dans le journal d'audit
support-switch-off = Désactiver Chorus Pro
support-switch-on = Activer Chorus Pro
support-history = Historique des changements
support-change-reason = Changement et motif
support-no-change = Aucun changement pour l'instant.
support-list-caption = Organisations fournisseurs de la plateforme
support-einvoicing = Facturation électronique
support-enabled = activée
support-not-enabled = non activée
support-none = Aucune organisation pour l'instant. Créez la première ci-dessous.
support-new = Nouvelle organisation
support-company-name = Raison sociale
support-country-hint = code ISO alpha-3
support-admin-email = E-mail du premier administrateur
support-admin-email-hint = facultatif : crée son compte avec un mot de passe à usage unique
support-create = Créer l'organisation

## Journal d'audit
audit-entry-title = Entrée d'audit { $id }
audit-entry-crumb = Entrée { $id }
audit-when-utc = Date (UTC)
audit-who = Qui
audit-chain = Chaîne
audit-actor = Auteur
audit-actor-hint = e-mail ou partie de l'e-mail
audit-user-id = utilisateur { $id }
audit-action = Action
audit-action-hint = commence par, par exemple login.
audit-target = Cible
audit-target-type = Type de cible
audit-target-type-hint = invoice, user, organisation…
audit-target-id = Identifiant de la cible
audit-target-id-hint = par exemple l'identifiant d'une facture
audit-whole-history = tout son historique
audit-outcome = Résultat
audit-hash = Empreinte
audit-previous-hash = Empreinte précédente
audit-details = Détails
audit-history-title = Historique de { $type } { $id }
audit-history-intro = Toutes les actions enregistrées sur cet élément, de la plus ancienne à la plus récente, avec le détail exact consigné.
audit-export-csv = Exporter en CSV
audit-export-json = Exporter en JSON
audit-history-truncated = Seules les { $count } premières entrées sont affichées ; exportez l'historique pour l'obtenir en entier.
audit-by = par { $actor }
audit-verification = Vérification des chaînes
audit-verified-on = Les chaînes sont vérifiées sur la
audit-first-page = première page
audit-no-entry = Aucune entrée pour l'instant.
audit-intact = Intact.
audit-intact-help = Aucune entrée n'a été modifiée, supprimée ou insérée depuis son enregistrement.
audit-broken = Rompu.
audit-broken-help = Le journal a été altéré : la première entrée rompue de chaque chaîne est indiquée ci-dessous.
audit-pending = Vérification en cours.
audit-pending-help = Aucune rupture trouvée jusqu'ici ; une longue chaîne est vérifiée en arrière-plan.
audit-verification-schedule = Chaque chargement vérifie les entrées ajoutées depuis le précédent ; chaque chaîne est reparcourue depuis son début au moins une fois par heure, et `chorus-desk audit verify` vérifie tout.
audit-filters = Filtres
audit-from-hint = jour UTC
audit-to-hint = inclus
audit-any = Tous
audit-all = Toutes
audit-success = Succès
audit-success-lower = succès
audit-failure = Échec
audit-search-hint = détails, auteur, action, cible
audit-apply-filters = Appliquer les filtres
audit-clear = Effacer
audit-export-view = Exporter cette vue :
audit-list-caption = Entrées d'audit, les plus récentes d'abord
audit-no-match = Aucune entrée ne correspond à ces filtres.
audit-correct-filters = Corrigez les filtres ci-dessus.
audit-newest = Entrées les plus récentes
audit-older = Entrées plus anciennes
audit-search-window = La recherche parcourt à chaque fois les { $window } entrées les plus récentes qui correspondent aux autres filtres : les entrées antérieures au n° { $floor } n'ont pas été parcourues.
audit-search-older = Chercher dans les entrées plus anciennes
audit-search-older-hint = (ou resserrez les dates).

## Page d'une facture
invoice-title-invoice = Facture { $number }
invoice-title-credit-note = Avoir { $number }
invoice-title-draft-invoice = Brouillon de facture
invoice-title-draft-credit-note = Brouillon d'avoir
invoice-corrects = Rectifie la facture
invoice-corrects-label = Rectifie
invoice-edit-draft = Modifier le brouillon
invoice-issue = Émettre
invoice-issue-help = L'émission attribue le numéro suivant et fige la facture ; elle est ensuite mise en file pour Chorus Pro si l'acheteur reçoit ses factures par ce canal.
invoice-unreadable = Cette facture est illisible :
invoice-flux-number = Numéro de flux
invoice-chorus-id = Identifiant Chorus de la facture
invoice-deposited = Déposée le
invoice-ageing-label = Ancienneté
invoice-last-error = Dernière erreur
invoice-reasons = Motifs
invoice-recycle-title = Corriger l'acheminement et recycler
invoice-recycle-help = L'acheteur a renvoyé cette facture car son acheminement est erroné. Corrigez-le et Chorus Pro renverra la même facture.
invoice-buyer-siret = SIRET de l'acheteur
invoice-engagement-or-order = Numéro d'engagement / bon de commande
invoice-comment = Commentaire
invoice-complete = Compléter
invoice-complete-help = L'acheteur a suspendu cette facture et demande des informations complémentaires. Répondez-lui, avec un fichier si besoin.
invoice-file = Fichier
invoice-complete-file-hint = facultatif ; moins de 10 Mo, nom de 50 caractères au plus
invoice-retry = Réessayer
invoice-resend = Renvoyer après correction
invoice-seller = Vendeur
invoice-references-dates = Références et dates
invoice-vat-breakdown = Ventilation de la TVA
invoice-taxable-amount = Base HT
invoice-vat-amount = Montant de TVA
invoice-total-excl-vat = Total HT
invoice-amount-due = Net à payer
invoice-checks = Contrôles avant envoi
invoice-checks-ok = Aucun problème : les règles EN 16931 et Chorus Pro sont respectées.
invoice-checks-problems = { $count } { $count ->
        [one] problème que Chorus Pro ou EN 16931 refuserait
       *[other] problèmes que Chorus Pro ou EN 16931 refuseraient
    } :
invoice-preview = Ce qui sera envoyé
invoice-file-what = Contenu
invoice-file-size = Taille
invoice-file-ubl = facture UBL 2.1, déposée sur Chorus Pro
invoice-file-pdf-zipped = le PDF de la facture, zippé, intégré à l'UBL
invoice-file-pdf = le PDF de la facture, intégré à l'UBL
invoice-file-supporting = pièce justificative, intégrée à l'UBL
invoice-limits = Limites de Chorus Pro : noms de fichier de 50 caractères au plus, chaque pièce jointe sous 10 Mo, 120 Mo au total.
invoice-download-ubl = Télécharger l'UBL
invoice-download-pdf = Télécharger le PDF
invoice-download-zip = Télécharger les deux (ZIP)

## Configuration : facturation électronique
einv-general = Général
einv-integrations = Intégrations
einv-intro = Envoie à Chorus Pro les factures destinées aux clients du secteur public français et les suit jusqu'à leur paiement.
einv-status = Statut :
einv-enabled-feature-off = activée, mais la fonction est désactivée par le support
einv-feature-off = Le support n'a pas encore activé la fonction Chorus Pro pour votre organisation.
einv-feature-off-help = Demandez au support de chorus-desk de l'activer : d'ici là, vous ne pouvez ni activer la facturation électronique ni saisir d'identifiants.
einv-is-enabled = La facturation électronique est activée : les factures éligibles sont envoyées à Chorus Pro.
einv-disable = Désactiver
einv-is-not-enabled = La facturation électronique n'est pas activée. L'activer active aussi l'export UBL.
einv-enable = Activer la facturation électronique
einv-connection = Connexion
einv-credentials-help = Les identifiants sont stockés chiffrés et ne sont plus jamais affichés. Laissez un identifiant vide pour conserver celui déjà enregistré.
einv-secrets-dropped = Le formulaire comporte des erreurs. Par sécurité, les secrets saisis n'ont pas été conservés : saisissez-les à nouveau.
einv-environment = Environnement
einv-piste-client-id = Identifiant client PISTE
einv-piste-client-secret = Secret client PISTE
einv-tech-login = Identifiant du compte technique
einv-tech-password = Mot de passe du compte technique
einv-tech-password-expiry = Les mots de passe techniques Chorus Pro expirent au bout de 424 jours.
einv-supplier-siret = SIRET du fournisseur
einv-supplier-siret-help = L'établissement qui émet les factures ; vide, c'est le SIRET de votre organisation ({ $siret }).
einv-structure-id = Identifiant de structure Chorus
einv-structure-id-help = Le numéro de votre structure dans Chorus Pro (idStructureCPP).
einv-deposit-format = Format de dépôt
einv-attachment-mode = Mode de pièce jointe
einv-save-connection = Enregistrer la connexion
einv-test = Tester la connexion
einv-test-help = Utilise la connexion enregistrée : un jeton PISTE, le contrôle de disponibilité de Chorus Pro, puis votre structure fournisseur.
einv-test-results = Résultats du test de connexion
einv-ubl-export = Export UBL
einv-ubl-help = Produit chaque facture émise sous forme de fichier UBL 2.1 (EN 16931) à côté de son PDF.
einv-ubl-locked = Obligatoire tant que Chorus Pro est actif. Désactivez d'abord la facturation électronique pour le couper.
einv-save-ubl = Enregistrer l'export UBL
einv-credential-set = Enregistré le { $date }
einv-credential-not-set = Non renseigné
einv-env-production = Production
einv-env-sandbox = Bac à sable (qualification Chorus Pro)
einv-env-simulator = Simulateur intégré
einv-attachment-zip = ZIP (le fichier de la facture et son PDF ensemble)
einv-attachment-pdf = PDF joint à la facture
einv-attachment-none = Aucun PDF joint
conntest-step-title = { $title } :
conntest-outcome-ok = OK
conntest-outcome-failed = Échec
conntest-outcome-skipped = Non tentée
audit-chain-line = { $name } :

# sec-b: sessions
account-sessions-title = Sessions
account-sessions-hint = Connecté sur un ordinateur que vous n’utilisez plus ? Mettez fin à toutes les sessions de votre compte, celle-ci comprise.
account-sign-out-everywhere = Se déconnecter partout
## The invoice form's customer picker and the routing correction (journey-b)

invoice-picker-title = Client
invoice-picker-hint = le bloc acheteur, le code service et l’échéance en viennent
invoice-picker-search = Chercher un client (nom ou SIRET)
invoice-picker-customer = Client
invoice-picker-one-off = (acheteur ponctuel, saisi ci-dessous)
invoice-picker-no-match = Aucun client ne correspond à cette recherche.
invoice-picker-contract = Contrat
invoice-picker-no-contract = (pas de contrat)
invoice-picker-use = Utiliser ce client
invoice-issue-despite = { $count ->
        [one] Émettre malgré 1 problème
       *[other] Émettre malgré { $count } problèmes
    }
invoice-issue-warning = { $count ->
        [one] Chorus Pro rejetterait probablement cette facture : voir le problème dans
       *[other] Chorus Pro rejetterait probablement cette facture : voir les { $count } problèmes dans
    }
invoice-routing-title = Corriger l’acheminement de { $number }
invoice-routing-crumb = Corriger l’acheminement
invoice-routing-help = Chorus Pro a rejeté cette facture à l’intégration : l’acheteur ne l’a jamais reçue et son numéro n’y a pas été utilisé. Corrigez les données d’acheminement ci-dessous ; la facture est déposée à nouveau sous le même numéro.
invoice-routing-never-amounts = Les montants et les lignes ne changent jamais ici : pour les modifier, émettez un avoir.
invoice-routing-submit = Corriger et redéposer
invoice-routing-customer-now = La fiche client indique maintenant :
invoice-routing-contract-now = Le contrat indique maintenant :
invoice-routing-open-customer = ouvrir le client
invoice-routing-open-contract = ouvrir le contrat
invoice-routing-not-correctable = Seule une facture dont Chorus Pro a rejeté le dépôt à l’intégration peut voir son acheminement corrigé. Une facture reçue par l’acheteur se corrige par un avoir.
invoice-routing-back = Retour à la facture
invoice-routing-link = Corriger l’acheminement et redéposer
invoice-routing-link-help = SIRET de l’acheteur, code service, numéros d’engagement et de marché ; même numéro
invoice-routing-field = { $field ->
        [buyer_siret] SIRET de l’acheteur
        [service_code] code service
        [engagement] numéro d’engagement
       *[market] numéro de marché
    }
customer-new-invoice = Nouvelle facture
customer-invoice-number = Numéro
customer-no-invoice-yet = Aucune facture pour ce client pour l’instant.
invoice-corrected-copy = Avoir et copie corrigée
invoice-corrected-copy-help = émet un avoir qui annule cette facture et une copie sous un nouveau numéro, avec l’acheteur et les références que le client et le contrat indiquent maintenant
# journey-c: dashboard amounts, phone menu
dashboard-to-be-paid = À payer
dashboard-paid = Payé
nav-menu = Menu
audit-export-csv-excel = CSV pour Excel (;)
einv-enabled-credentials-missing = activée, en attente des identifiants (inactive tant que les quatre ne sont pas enregistrés)
items-title = Articles enregistrés
items-help = Les prestations que vous facturez régulièrement : l’éditeur de lignes de facture les propose par leur nom, et une ligne qui ne porte que le nom d’un article (sans prix unitaire) prend son unité, son prix et sa TVA à l’enregistrement de la facture.
items-none = Aucun article enregistré pour l’instant.
items-new = Nouvel article
items-save = Enregistrer l’article
items-delete = Supprimer
invoice-form-items-link = Articles enregistrés
## journey-a : Configuration › Comptes bancaires et Entreprise
settings-company = Entreprise
settings-bank-accounts = Comptes bancaires
bank-intro = Les factures sont payées sur le compte par défaut : chaque facture émise désormais le mentionne (IBAN, BIC, titulaire) et l’imprime. Les factures déjà émises gardent le compte avec lequel elles ont été émises.
bank-iban = IBAN
bank-iban-hint = espaces acceptés, par exemple FR76 3000 6000 0112 3456 7890 189
bank-bic = BIC
bank-holder = Titulaire du compte
bank-default = Par défaut
bank-edit = Modifier
bank-make-default = Mettre par défaut
bank-delete = Supprimer
bank-none = Aucun compte bancaire pour l’instant : les factures envoyées par Chorus Pro en exigent un.
bank-edit-title = Modifier le compte bancaire
bank-add-title = Ajouter un compte bancaire
bank-make-default-checkbox = Les factures sont payées sur ce compte (par défaut)
bank-save = Enregistrer le compte
bank-add = Ajouter le compte
# journey-c: audit details as labelled values
detail-yes = oui
detail-no = non
audit-raw-record = L’enregistrement tel que stocké (JSON)
audit-field-feature = Fonction
audit-field-old = Avant
audit-field-new = Après
audit-field-reason = Motif
audit-field-name = Nom
audit-field-siret = SIRET
audit-field-email = E-mail
audit-field-roles = Rôles
audit-field-format = Format
audit-field-filters = Filtres
audit-field-locale = Langue
audit-field-environment = Environnement
audit-field-steps = Étapes
audit-field-step = Étape
audit-field-outcome = Résultat
audit-field-detail = Détail
audit-field-enabled = Activée
audit-field-requested = Demandé
audit-field-refused = Refusé car
audit-field-number = Numéro
audit-field-changed = Modifié
company-intro = Vos factures présentent ces informations comme celles du vendeur. Les changements s’appliquent aux factures émises désormais ; les factures émises gardent les informations avec lesquelles elles ont été émises.
company-identity = Identité légale
company-siret-hint = fixé par le support à la création de l’organisation
company-legal-name = Raison sociale
company-trading-name = Nom commercial
company-legal-form = Forme juridique
company-legal-form-hint = par exemple SAS, SARL, EI
company-share-capital = Capital social (€)
company-share-capital-hint = facultatif, par exemple 10 000
company-registration = Immatriculation (RCS ou RM)
company-registration-hint = par exemple RCS Paris 732 829 320
company-address-contact = Adresse et contact
company-country-hint = FR ou FRA
company-contact-email = Courriel de contact
company-contact-phone = Téléphone de contact
company-logo = Logo
company-logo-current = Logo actuel :
company-logo-remove = Retirer le logo
company-logo-upload = Nouveau logo
company-logo-hint = PNG ou JPEG, { $max } Ko au plus ; imprimé sur le PDF
company-payment = Conditions de paiement et mentions de retard
company-payment-days = Délai de paiement (jours)
company-payment-days-hint = 0 à 60 ; les acheteurs publics paient sous 30 jours
company-payment-end-of-month = Fin de mois
company-late-penalty = Pénalités de retard (imprimées sur chaque facture)
company-recovery-indemnity = Indemnité forfaitaire de recouvrement (imprimée sur chaque facture)
company-numbering = Numérotation des factures
company-prefix = Préfixe
company-prefix-hint = jusqu’à 8 lettres, chiffres, - _ /
company-next-number = Prochain numéro cette année
company-next-number-hint = modifiable seulement avant la première facture de l’année
company-number-preview = La prochaine facture portera le numéro
company-save = Enregistrer le profil de l’entreprise
dashboard-chorus-credentials-missing = en attente des identifiants
## Notifications (ticket 19) : préférences de courriel, webhooks, boîte d’envoi

notify-pref-title = Notifications
notify-pref-intro = Choisissez les courriels que vous recevez, dans votre langue enregistrée.
notify-pref-legend = M’envoyer un courriel quand
notify-pref-invoice-rejected = une facture est rejetée (avec le motif et le lien pour la corriger)
notify-pref-invoice-suspended = une facture est suspendue
notify-pref-invoice-to-recycle = une facture est renvoyée au recyclage
notify-pref-invoice-paid = une facture est mise en paiement
notify-pref-password-expiring = le mot de passe technique Chorus Pro expire dans 30 et dans 7 jours
notify-pref-invoice-stuck = des factures restent en traitement plusieurs jours
notify-pref-daily-digest = une fois par jour, un résumé des changements de statut
notify-pref-save = Enregistrer
notify-pref-saved = Vos choix de notifications sont enregistrés.
notify-webhooks-title = Webhooks
notify-webhooks-intro = Chaque changement d’état d’une facture et chaque rejet sont envoyés à ces adresses en JSON signé (HMAC-SHA256 de horodatage.corps). L’API et le format des webhooks :
notify-webhooks-none = Aucune adresse pour l’instant.
notify-webhook-new = Nouvelle adresse
notify-webhook-create = Enregistrer l’adresse
notify-webhook-events = Événements
notify-webhook-ev-status = toute la vie d’une facture : émise, chaque changement de statut, recyclée, complétée
notify-webhook-ev-rejected = les rejets seulement
notify-webhook-secret-once = Copiez ce secret de signature maintenant : il ne sera plus affiché.
notify-webhook-remove = Supprimer
notify-webhook-removed = L’adresse est supprimée : plus rien ne lui est envoyé.
notify-webhook-removed-state = Supprimée
notify-webhook-send-test = Envoyer un événement de test
notify-webhook-test-queued = Un événement de test est en route.
notify-webhook-deliveries = Envois
notify-webhook-event = Événement
notify-webhook-no-deliveries = Rien d’envoyé pour l’instant.
notify-webhook-no-events = Choisissez au moins un événement.
notify-webhook-url-invalid = Saisissez une URL http:// ou https:// sans nom d’utilisateur ni mot de passe.
notify-webhook-url-unresolved = Ce nom d’hôte est introuvable.
notify-webhook-url-private = Cette adresse est privée, locale ou réservée ({ $address }) : l’adresse doit être joignable sur Internet.
notify-attempts = Essais
notify-next-attempt = Prochain essai
notify-last-error = Dernière erreur
notify-outbox-title = Boîte d’envoi
notify-outbox-smtp-on = Les courriels partent par le serveur SMTP configuré.
notify-outbox-smtp-off = Aucun serveur SMTP n’est configuré (CHORUS_DESK_SMTP_URL) : les courriels attendent ici et partiront dès qu’il le sera.
notify-outbox-empty = Aucun courriel pour l’instant.
notify-recipient = Destinataire
notify-sent-at = Envoyé
einv-advanced = Avancé
einv-advanced-hint = Laissez vide pour utiliser les adresses de l'environnement. Uniquement https, ou http vers cette machine (127.0.0.1, localhost).
einv-token-url-override = URL du jeton PISTE
einv-api-base-url-override = URL de base de l'API
einv-save-endpoints = Enregistrer les adresses
einv-endpoint-invalid = Saisissez une URL complète, par exemple https://sandbox-api.piste.gouv.fr
einv-endpoint-insecure = L'adresse doit commencer par https:// (http:// seulement pour 127.0.0.1, ::1 ou localhost).

account-notifications-link = Choisir les événements qui vous sont envoyés par courriel (rejets, paiements, expiration du mot de passe, résumé quotidien)
einv-identifier-profile = Schéma d'identifiant du SIRET
einv-identifier-profile-en16931 = EN 16931 (code ISO 6523 0009, par défaut)
einv-identifier-profile-aife = Code AIFE de Chorus Pro (1 pour un SIRET)
einv-identifier-profile-help = Comment le SIRET du vendeur et celui de l'acheteur sont qualifiés dans l'UBL ou le CII déposé. Gardez EN 16931 sauf si Chorus Pro vous demande les codes AIFE.
invoice-deposited-file = Fichier déposé
invoice-deposited-original = le fichier d'origine, octet pour octet
invoice-deposited-generated = généré par chorus-desk
invoice-imported-original = Importée depuis un fichier { $format }. Il est déposé tel quel tant que la facture garde son numéro et n'est pas modifiée ; sinon chorus-desk génère le fichier.

# Émission groupée et limite de débit de la connexion (issue 21).
bulk-issue-selected = Émettre les brouillons sélectionnés
bulk-issue-filter = Émettre tous les brouillons de ce filtre
bulk-issue-pick = Sélectionner ce brouillon pour une émission groupée
bulk-issue-title = Émission groupée
bulk-issue-progress = { $done } sur { $total } traités
bulk-issue-summary = Émises : { $issued }. Refusées : { $refused }.
bulk-issue-running = Émission en cours… cette page suit l’avancement d’elle-même.
bulk-issue-refusals = Refusées, avec le motif
bulk-issue-refused-draft = Brouillon { $id }
bulk-issue-refused-contract = Contrat { $id }
bulk-issue-back = Retour aux factures
bulk-issue-contracts-title = Facturer tous les contrats actifs pour une période
bulk-issue-contracts-hint = Un brouillon est créé pour chaque contrat actif sur la période, puis émis ; les brouillons qui ne peuvent pas être émis restent des brouillons, listés avec le motif.
bulk-issue-period-start = Début de la période
bulk-issue-period-end = Fin de la période
bulk-issue-contracts-submit = Créer les brouillons et les émettre
einv-requests-per-second = Requêtes par seconde vers Chorus Pro
einv-requests-per-second-hint = Au plus ce nombre d’appels démarre par seconde sur cette connexion, 16 simultanés au plus (vide : 20). Indiquez le quota affiché par votre application PISTE ; une réponse 429 met cette connexion en pause pendant son Retry-After.
einv-save-rate-limit = Enregistrer la limite de débit

invoice-resend-changes = Modifié depuis le dépôt rejeté
invoice-resend-unchanged = « Renvoyer après correction » apparaît une fois le client ou le contrat corrigé ; Réessayer renvoie la facture telle quelle.
form-return-notice = Vous venez d’une facture : l’enregistrement vous y ramène, pour la renvoyer.
form-return-cancel = Revenir à la facture sans enregistrer
nav-items = Articles enregistrés
## Notifications (issue 19): courriels incertains et « Renvoyer »
notify-outbox-in-doubt-intro = Certains courriels sont incertains : l’envoi s’est interrompu alors que le serveur de messagerie les avait peut-être déjà acceptés. Ils ne sont pas renvoyés d’eux-mêmes, pour que personne ne les reçoive deux fois. Demandez au destinataire ou vérifiez le serveur de messagerie, puis utilisez « Renvoyer » s’il n’est pas arrivé.
notify-mail-send-again = Renvoyer
notify-mail-send-again-none = Choisissez un courriel à renvoyer.
notify-mail-send-again-queued = Le courriel va être renvoyé dans un instant, avec le même Message-ID.
notify-mail-send-again-not-waiting = Ce courriel n’est plus incertain : rien n’a été modifié.
notify-mail-status-pending = En attente
notify-mail-status-sending = En cours d’envoi
notify-mail-status-sent = Envoyé
notify-mail-status-in-doubt = Incertain : peut-être envoyé
notify-mail-status-failed = Abandonné
