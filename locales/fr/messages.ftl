# Messages : erreurs de saisie, messages flash, significations des statuts Chorus Pro.
# Typographie : apostrophe ’, espace insécable avant « : ; ! ? » et à l’intérieur des guillemets « ».

## Identifiants (src/domain/identifiers)

err-postal-code-empty = Saisissez le code postal.
err-postal-code-fr = Le code postal doit comporter exactement 5 chiffres, par exemple 75001.
err-postal-code-too-long = Un code postal comporte au plus 10 caractères ; vous en avez saisi { $typed }.
err-postal-code-character = Un code postal ne contient que des lettres, des chiffres, des espaces et des tirets ; « { $character } » n’est pas accepté.

err-siret-empty = Saisissez le SIRET : 14 chiffres.
err-siret-not-a-digit = Un SIRET ne contient que des chiffres ; « { $character } » n’en est pas un.
err-siret-length = Un SIRET comporte 14 chiffres ; vous en avez saisi { $typed }.
err-siret-key = SIRET invalide : la clé de contrôle ne correspond pas. Vérifiez qu’il n’y a pas de faute de frappe.
err-siret-siren = SIRET invalide : ses 9 premiers chiffres ne forment pas un SIREN valide. Vérifiez qu’il n’y a pas de faute de frappe.

err-siren-empty = Saisissez le SIREN : 9 chiffres.
err-siren-not-a-digit = Un SIREN ne contient que des chiffres ; « { $character } » n’en est pas un.
err-siren-length = Un SIREN comporte 9 chiffres ; vous en avez saisi { $typed }.
err-siren-key = SIREN invalide : son dernier chiffre (la clé de contrôle) ne correspond pas. Vérifiez qu’il n’y a pas de faute de frappe.

err-vat-empty = Saisissez le numéro de TVA, par exemple FR17110002011.
err-vat-prefix-missing = Un numéro de TVA commence par le code pays à 2 lettres (FR, BE, DE…).
err-vat-greek-prefix = Les numéros de TVA grecs commencent par EL, et non par GR.
err-vat-not-eu = { $prefix } n’est pas un préfixe de pays de l’UE ; un numéro de TVA intracommunautaire commence par FR, BE, DE…
err-vat-fr-format = Un numéro de TVA français se compose de FR, d’une clé à 2 chiffres et du SIREN à 9 chiffres, par exemple FR17110002011.
err-vat-fr-siren = Les 9 derniers chiffres d’un numéro de TVA français forment le SIREN, et { $siren } n’est pas un SIREN valide.
err-vat-fr-key = La clé de ce numéro de TVA est erronée : pour le SIREN { $siren }, la clé est { $key } (FR{ $key }{ $digits }).
err-vat-format-AT = Un numéro de TVA autrichien se compose de AT suivi de U et de 8 chiffres.
err-vat-format-BE = Un numéro de TVA belge se compose de BE suivi de 10 chiffres.
err-vat-format-BG = Un numéro de TVA bulgare se compose de BG suivi de 9 ou 10 chiffres.
err-vat-format-CY = Un numéro de TVA chypriote se compose de CY suivi de 8 chiffres et d’une lettre.
err-vat-format-CZ = Un numéro de TVA tchèque se compose de CZ suivi de 8 à 10 chiffres.
err-vat-format-DE = Un numéro de TVA allemand se compose de DE suivi de 9 chiffres.
err-vat-format-DK = Un numéro de TVA danois se compose de DK suivi de 8 chiffres.
err-vat-format-EE = Un numéro de TVA estonien se compose de EE suivi de 9 chiffres.
err-vat-format-EL = Un numéro de TVA grec se compose de EL suivi de 9 chiffres.
err-vat-format-ES = Un numéro de TVA espagnol se compose de ES suivi de 9 caractères : une lettre ou un chiffre, 7 chiffres, une lettre ou un chiffre.
err-vat-format-FI = Un numéro de TVA finlandais se compose de FI suivi de 8 chiffres.
err-vat-format-HR = Un numéro de TVA croate se compose de HR suivi de 11 chiffres.
err-vat-format-HU = Un numéro de TVA hongrois se compose de HU suivi de 8 chiffres.
err-vat-format-IE = Un numéro de TVA irlandais se compose de IE suivi de 7 chiffres et de 1 ou 2 lettres.
err-vat-format-IT = Un numéro de TVA italien se compose de IT suivi de 11 chiffres.
err-vat-format-LT = Un numéro de TVA lituanien se compose de LT suivi de 9 ou 12 chiffres.
err-vat-format-LU = Un numéro de TVA luxembourgeois se compose de LU suivi de 8 chiffres.
err-vat-format-LV = Un numéro de TVA letton se compose de LV suivi de 11 chiffres.
err-vat-format-MT = Un numéro de TVA maltais se compose de MT suivi de 8 chiffres.
err-vat-format-NL = Un numéro de TVA néerlandais se compose de NL suivi de 9 chiffres, de B et de 2 chiffres.
err-vat-format-PL = Un numéro de TVA polonais se compose de PL suivi de 10 chiffres.
err-vat-format-PT = Un numéro de TVA portugais se compose de PT suivi de 9 chiffres.
err-vat-format-RO = Un numéro de TVA roumain se compose de RO suivi de 2 à 10 chiffres.
err-vat-format-SE = Un numéro de TVA suédois se compose de SE suivi de 12 chiffres.
err-vat-format-SI = Un numéro de TVA slovène se compose de SI suivi de 8 chiffres.
err-vat-format-SK = Un numéro de TVA slovaque se compose de SK suivi de 10 chiffres.
err-vat-format-XI = Un numéro de TVA d’Irlande du Nord se compose de XI suivi de 9 ou 12 chiffres (ou de GD/HA et 3 chiffres).

err-bic-empty = Saisissez le BIC, par exemple BNPAFRPP.
err-bic-length = Un BIC comporte 8 ou 11 caractères ; vous en avez saisi { $typed }.
err-bic-format = Un BIC se compose de 4 lettres pour la banque, 2 pour le pays, puis 2 lettres ou chiffres (et, en option, 3 caractères pour l’agence).
err-bic-country = { $country } n’est pas un code pays : ce n’est donc pas un BIC (ses 5e et 6e lettres désignent le pays).

err-country-empty = Saisissez le pays sous la forme de son code à 3 lettres (FRA pour la France).
err-country-two-letters = Utilisez le code pays à 3 lettres : { $alpha3 }, et non { $alpha2 }.
err-country-not-three-letters = Un code pays comporte 3 lettres, par exemple FRA, BEL ou DEU.
err-country-unknown = { $code } n’est pas un code pays ; utilisez 3 lettres, par exemple FRA, BEL ou DEU.

err-email-empty = Saisissez une adresse e-mail.
err-email-too-long = Une adresse e-mail comporte au plus 254 caractères ; vous en avez saisi { $typed }.
err-email-space = Une adresse e-mail ne contient pas d’espace.
err-email-at = Une adresse e-mail contient un seul @, par exemple nom@exemple.fr.
err-email-local-part = Indiquez un nom avant le @, par exemple nom@exemple.fr.
err-email-domain = Après le @ vient un domaine, par exemple exemple.fr.

err-iban-empty = Saisissez l’IBAN, par exemple FR76 3000 6000 0112 3456 7890 189.
err-iban-character = Un IBAN ne contient que des lettres et des chiffres ; « { $character } » n’est pas accepté.
err-iban-start = Un IBAN commence par le code pays à 2 lettres et 2 chiffres de contrôle, par exemple FR76.
err-iban-country = { $country } n’est pas un code pays ; un IBAN commence par un code pays, par exemple FR.
err-iban-country-length = Un IBAN du pays { $country } comporte { $expected } caractères ; vous en avez saisi { $typed }.
err-iban-length = Un IBAN comporte de 15 à 34 caractères ; vous en avez saisi { $typed }.
err-iban-key = Les chiffres de contrôle de cet IBAN ne correspondent pas : vérifiez qu’il n’y a pas de faute de frappe.

err-service-code-empty = Saisissez le code service.
err-service-code-too-long = Un code service comporte au plus 100 caractères ; vous en avez saisi { $typed }.
err-service-code-one-line = Un code service tient sur une seule ligne.
err-service-code-public-bodies = FACTURES_PUBLIQUES est réservé aux factures entre entités publiques, et Chorus Pro le refuse venant d’une entreprise ; choisissez l’un des services de l’acheteur.

err-engagement-empty = Saisissez le numéro d’engagement communiqué par l’acheteur.
err-engagement-too-long = Un numéro d’engagement comporte au plus 50 caractères ; vous en avez saisi { $typed }.
err-engagement-one-line = Un numéro d’engagement tient sur une seule ligne.

err-market-empty = Saisissez le numéro de marché.
err-market-too-long = Un numéro de marché comporte au plus 50 caractères ; vous en avez saisi { $typed }.
err-market-one-line = Un numéro de marché tient sur une seule ligne.

## Nombres saisis dans les formulaires (src/domain/input.rs)

err-number-empty = Saisissez un nombre.
err-number-format = Écrivez un nombre comme 1234,50 ou 1234.50 (sans séparateur de milliers).
err-number-decimals = Au plus 6 chiffres après la virgule.
err-number-too-large = Ce nombre est trop grand.

## Formulaires : organisations, clients, contrats, connexion Chorus Pro, filtres du journal

err-text-too-long = Au plus { $max } caractères ; vous en avez saisi { $typed }.
err-text-max = Au plus { $max } caractères.
err-text-one-line = Une seule ligne de texte, s’il vous plaît.
err-date = « { $text } » n’est pas une date ; écrivez-la sous la forme 31/01/2026 ou 2026-01-31.

err-organisation-name-empty = Saisissez la raison sociale de l’entreprise.
err-organisation-name-too-long = Chorus Pro accepte au plus 99 caractères pour une raison sociale.
err-organisation-vat-other-siren = Ce numéro de TVA français correspond à un autre SIREN que celui du SIRET ci-dessus.

err-customer-name-empty = Saisissez le nom du client.
err-customer-address-empty = Saisissez l’adresse.
err-customer-city-empty = Saisissez la ville.
err-customer-vat-other-siren = Ce numéro de TVA français appartient à une autre entreprise que le SIRET (leurs SIREN diffèrent).
err-customer-chorus-not-french = Seuls les acheteurs publics français reçoivent des factures par Chorus Pro : indiquez le pays FRA ou décochez cette case.
err-customer-chorus-siret = Saisissez le SIRET : Chorus Pro achemine les factures vers l’acheteur grâce à son SIRET.

err-unit-code = « { $code } » n’est pas un code d’unité de la recommandation 20 de la CEE-ONU ; utilisez par exemple C62 (unité), HUR (heure), DAY ou MON.
err-billing-period = Choisissez mensuelle, trimestrielle, annuelle ou ponctuelle.
err-vat-category = Choisissez une catégorie de TVA : S, Z, E, AE, K, G ou O.
err-contract-line-description = Décrivez ce qui est facturé.
err-contract-line-quantity = La quantité doit être supérieure à zéro.
err-contract-line-price-negative = Un prix unitaire ne peut pas être négatif.
err-contract-line-standard-rate = La catégorie normale demande un taux supérieur à 0 %, par exemple 20, 10, 5,5 ou 2,1.
err-contract-line-zero-rate = La catégorie { $category } a un taux de 0 % ; utilisez S pour une ligne taxée.
err-contract-customer-empty = Choisissez le client.
err-contract-customer-unknown = Choisissez l’un de vos clients.
err-contract-customer-archived = Ce client est archivé : restaurez-le avant de lui ajouter un contrat.
err-contract-number-empty = Saisissez le numéro du contrat.
err-contract-title-empty = Saisissez un intitulé qui dit à quoi sert le contrat.
err-contract-start-empty = Saisissez la date de début.
err-contract-end-before-start = La date de fin ne peut pas précéder la date de début.
err-contract-engagement-required = D’après Chorus Pro, ce client exige un numéro d’engagement sur chaque facture : saisissez celui que l’acheteur vous a communiqué.
err-contract-lines-empty = Ajoutez au moins une ligne de facturation.
err-contract-lines-too-many = Au plus { $max } lignes de facturation.

credential-piste-client-id = l’identifiant client PISTE
credential-piste-client-secret = le secret client PISTE
credential-tech-login = l’identifiant du compte technique
credential-tech-password = le mot de passe du compte technique
err-credential-too-long = Ce champ dépasse { $max } caractères : vérifiez que vous n’avez collé que { $what }.
err-credential-invisible = Ce champ contient un saut de ligne ou un autre caractère invisible : collez à nouveau { $what }.
err-credential-spaces = Ce champ ne peut pas contenir d’espace : vérifiez { $what }.
err-connection-environment = Choisissez la production, la qualification (bac à sable) ou le simulateur intégré.
err-connection-deposit-format = Choisissez UBL, CII ou Factur-X.
err-connection-attachment-mode = Choisissez ZIP ou PDF.
err-connection-siret-other-company = Ce SIRET appartient à une autre entreprise que la vôtre (votre SIREN est { $siren }).
err-connection-structure-id = L’identifiant de structure Chorus est un nombre d’au plus 18 chiffres (idStructureCPP, par exemple 26346724). Laissez-le vide si vous ne le connaissez pas.

err-audit-date = Saisissez une date sous la forme AAAA-MM-JJ, par exemple 2026-11-29.
err-audit-text-too-long = Au plus { $max } caractères ici.
err-audit-end-before-start = La date de fin précède la date de début.
err-audit-outcome = Choisissez réussite ou échec.
err-audit-organisation = Choisissez une organisation dans la liste.

## Factures : lecture du document (src/domain/invoice/parse.rs). Affichés à côté du champ
## concerné et dans les erreurs de l’API.

err-inv-required = obligatoire
err-inv-number-too-long = au plus { $max } caractères (limite de Chorus Pro), { $typed } reçus
err-inv-number-character = seuls les lettres, les chiffres et - _ / + sont acceptés (« { $character } » trouvé)
code-list-unit = code d’unité
code-list-country = code pays
code-list-currency = code devise
code-list-type = code de type pour ce genre de document
code-list-payment-means = code de moyen de paiement (UNTDID 4461)
err-inv-code-unknown = { $what } inconnu : « { $code } »
err-inv-vat-category = catégorie de TVA inconnue : « { $code } » (attendu : S, Z, E, AE, K, G, O, L ou M)
err-inv-billing-framework = « { $code } » n’est pas un cadre de facturation comme A1 ou A2
err-inv-decimal-too-large = « { $value } » est trop grand
err-inv-decimal-format = « { $value } » n’est pas un nombre décimal (utilisez un point : « 12.50 »)
err-inv-date = « { $value } » n’est pas une date au format AAAA-MM-JJ
err-inv-vat-rate-category-o = à omettre pour la catégorie O (hors champ de TVA)
err-inv-vat-rate-zero = doit être 0 pour la catégorie { $category }
err-inv-vat-rate-required = obligatoire pour la catégorie { $category }
err-inv-vat-rate-percentage = { $rate } n’est pas un pourcentage compris entre 0 et 100
err-inv-vat-rate-standard = doit être supérieur à 0 pour la catégorie S (utilisez Z pour les biens à taux zéro)
err-inv-allowance-reason = un motif ou un code motif est obligatoire
err-inv-allowance-base = obligatoire quand un pourcentage est indiqué
err-inv-allowance-amount = obligatoire (ou indiquez base_amount et percentage)
err-inv-allowance-negative = ne doit pas être négatif (utilisez une remise plutôt qu’une charge négative)
err-inv-allowance-vat-required = obligatoire pour les remises et charges au niveau du document
err-inv-allowance-line-vat = les remises et charges de ligne prennent la TVA de leur ligne : supprimez-la
err-inv-price-negative = ne doit pas être négatif (BR-27)
err-inv-above-zero = doit être supérieur à 0
err-inv-negative = ne doit pas être négatif
err-inv-period-end = antérieure à la date de début (BR-29)
err-inv-period-empty = indiquez une date de début, une date de fin ou un code de description
err-inv-siret = un SIRET comporte exactement 14 chiffres
err-inv-siren = un SIREN comporte exactement 9 chiffres
err-inv-siren-siret = ne correspond pas aux 9 premiers chiffres du SIRET
err-inv-eas-scheme = obligatoire (code EAS, par exemple 0225 ou 0009)
err-inv-due-before-issue = antérieure à la date d’émission
err-inv-base64 = n’est pas du base64 valide
err-inv-lines-empty = au moins une ligne est obligatoire (BR-16)
err-inv-unparsed = n’a pas pu être lu
err-inv-already-paid = A2 (déjà payée) exige un montant à payer de 0, or il est de { $amount }

## Contrôles avant envoi (src/domain/invoice/checks.rs) ; la page affiche chacun avec sa règle.

check-attachment-name = le nom de fichier « { $file } » comporte { $chars } caractères ; Chorus Pro en accepte au plus { $max }
check-attachment-extension = le fichier « { $file } » doit avoir une extension acceptée par Chorus Pro (pdf, zip, xml, csv, png…)
check-attachment-empty = le fichier « { $file } » est vide
check-attachment-size = le fichier « { $file } » fait { $bytes } octets ; chaque pièce jointe doit faire moins de 10 Mo
check-attachments-total = les pièces jointes font { $bytes } octets au total ; Chorus Pro accepte au plus 120 Mo
check-due-date = un montant est dû : indiquez une date d’échéance ou des conditions de paiement
check-seller-id = le vendeur doit avoir un SIRET, un identifiant légal ou un numéro de TVA
check-seller-vat-id = la catégorie de TVA { $category } exige le numéro de TVA du vendeur
check-reverse-charge-buyer = l’autoliquidation exige le numéro de TVA ou l’identifiant légal de l’acheteur
check-intra-community-buyer = une livraison intracommunautaire exige le numéro de TVA de l’acheteur
check-intra-community-date = une livraison intracommunautaire exige une date de livraison ou une période de facturation
check-intra-community-country = une livraison intracommunautaire exige le pays de livraison
check-out-of-scope-vat-ids = hors champ de TVA (catégorie O) : supprimez les numéros de TVA du vendeur, de l’acheteur et du représentant fiscal
check-out-of-scope-mixed = la catégorie O (hors champ de TVA) ne peut pas être combinée avec d’autres catégories de TVA
check-exemption-reason = la catégorie de TVA { $category } exige un motif ou un code d’exonération
check-exemption-reason-extra = la catégorie de TVA { $category } ne doit pas porter de motif d’exonération
check-transfer-iban = un virement exige le compte (IBAN) à créditer
check-chorus-iban = Chorus Pro n’accepte qu’un IBAN valide pour les virements
check-chorus-payment-means-code = Chorus Pro accepte les moyens de paiement 30 (virement) et 49 (prélèvement), pas { $code }
check-chorus-payment-means = Chorus Pro exige un moyen de paiement (30 avec IBAN, ou 49) sur les factures
check-chorus-buyer-siret = Chorus Pro exige le SIRET de l’acheteur (14 chiffres)
check-chorus-seller-siret = Chorus Pro identifie un fournisseur français par son SIRET (14 chiffres)
check-chorus-service-code = le code service comporte au plus { $max } caractères
check-chorus-engagement = le numéro d’engagement comporte au plus { $max } caractères
check-chorus-type-code = Chorus Pro n’accepte pas le code de type { $code }
check-credit-note-reference = un avoir doit indiquer la facture qu’il corrige

## Le formulaire de facture (src/web/invoice_form.rs) et la facturation (src/invoicing)

err-form-date = Saisissez une date, par exemple 31/12/2026.
err-form-date-optional = Saisissez une date, par exemple 31/12/2026, ou laissez le champ vide.
err-form-number = « { $value } » n’est pas un nombre (par exemple 1,5).
err-form-general = { $path } : { $message }
err-form-path-lines = Lignes
err-form-path-seller = Votre organisation ({ $field }), voir ses paramètres
err-form-path = { $path }
err-invoice-series = Utilisez de 1 à 8 lettres, chiffres, « - », « _ » ou « / » pour la série de numérotation.
err-invoice-draft-unreadable = le brouillon enregistré est illisible : { $detail }
err-invoice-document-unreadable = { $detail }
err-invoice-resend-integrated = Seule une facture que Chorus Pro n’a pas intégrée peut être renvoyée ; corrigez une facture intégrée par un avoir.
err-invoice-period-end = La période se termine avant de commencer.

## Statuts Chorus Pro (src/web/chorus_status.rs) : ce que chacun signifie pour le fournisseur.

chorus-status-IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP = Déposé ; Chorus Pro n’a pas encore commencé à traiter le fichier.
chorus-status-IN_RECU = Chorus Pro a reçu le fichier.
chorus-status-IN_EN_ATTENTE_TRAITEMENT_CPP = Le fichier attend d’être traité par Chorus Pro.
chorus-status-IN_EN_ATTENTE_RETRAITEMENT_CPP = Le fichier attend d’être traité à nouveau par Chorus Pro.
chorus-status-IN_EN_COURS_TRAITEMENT_CPP = Chorus Pro traite le fichier.
chorus-status-IN_TRAITE_SE_CPP = La couche d’échange a traité le fichier ; l’intégration suit.
chorus-status-QP_RECEVABLE = Le fichier est recevable ; l’intégration suit.
chorus-status-QP_RECEVABLE_AVEC_ERREUR = Le fichier est recevable mais comporte des erreurs ; l’intégration suit.
chorus-status-QP_IRRECEVABLE = Le fichier a été refusé comme irrecevable : corrigez la facture et envoyez-la à nouveau.
chorus-status-IN_INTEGRE = La facture a été intégrée dans Chorus Pro.
chorus-status-IN_INTEGRE_PARTIEL = Seule une partie du fichier a été intégrée : les motifs indiquent ce qui a été refusé.
chorus-status-IN_REJETE = Chorus Pro a rejeté l’ensemble du fichier : corrigez ce que signalent les motifs et envoyez-le à nouveau.
chorus-status-IN_INCIDENTE = Chorus Pro a rencontré un incident en traitant le fichier : envoyez-le à nouveau.
chorus-status-DEPOSEE = Reçue par Chorus Pro.
chorus-status-EN_COURS_ACHEMINEMENT = En cours d’acheminement vers l’acheteur public.
chorus-status-MISE_A_DISPOSITION = Mise à disposition de l’acheteur public.
chorus-status-A_RECYCLER = Renvoyée par l’acheteur : les données d’acheminement (SIRET de l’acheteur, code service ou numéro d’engagement) sont erronées. Corrigez-les et envoyez-la à nouveau.
chorus-status-REJETEE = Rejetée par l’acheteur sur le fond : émettez un avoir et une nouvelle facture.
chorus-status-SUSPENDUE = Suspendue : l’acheteur a besoin d’informations ou de pièces jointes complémentaires.
chorus-status-SERVICE_FAIT = L’acheteur a constaté le service fait ou la livraison des biens.
chorus-status-MANDATEE = L’acheteur a émis l’ordre de paiement (mandatement).
chorus-status-MISE_A_DISPOSITION_COMPTABLE = Transmise au comptable public de l’acheteur.
chorus-status-COMPTABILISEE = Comptabilisée par le comptable public de l’acheteur.
chorus-status-MISE_EN_PAIEMENT = Paiement effectué.
chorus-status-COMPLETEE = Complétée après une suspension ; de nouveau chez l’acheteur.
chorus-status-unknown = Le statut « { $code } » n’est pas connu de chorus-desk ; la facture reste suivie comme en cours de traitement.

## Messages flash (src/web/handlers), connexion et mot de passe

flash-two-sentences = { $first } { $second }
flash-session-expired = Votre session a expiré après une période d’inactivité. Reconnectez-vous.
flash-session-ended = Votre session a pris fin. Reconnectez-vous.
flash-password-changed = Votre mot de passe a été modifié.
err-login-credentials = Adresse e-mail ou mot de passe incorrect.
err-login-throttled = Trop de tentatives échouées. Patientez { $minutes } minutes ou demandez à un administrateur de réinitialiser votre mot de passe.
err-password-too-short = Utilisez au moins { $min } caractères.
err-password-too-long = Utilisez au plus 1024 caractères.
err-password-email = N’utilisez pas votre adresse e-mail dans votre mot de passe.
err-password-confirm = Les deux nouveaux mots de passe diffèrent.
err-password-current = Ce n’est pas votre mot de passe actuel.

err-user-role = Choisissez administrateur, utilisateur ou auditeur.
err-user-email-taken = Un compte existe déjà avec cette adresse e-mail.
flash-user-created = Compte { $email } créé. Mot de passe à usage unique : { $password } (affiché une seule fois ; il devra être changé à la première connexion).
flash-user-deactivate-self = Vous ne pouvez pas désactiver votre propre compte.
flash-user-deactivated = Compte désactivé ; ses sessions ont pris fin.

err-organisation-siret-taken = Une organisation existe déjà avec ce SIRET.
flash-organisation-created = Organisation créée.
flash-organisation-created-admin = Organisation créée. Premier administrateur { $email } : mot de passe à usage unique { $password } (affiché une seule fois ; il devra le changer à la première connexion).
err-toggle-reason-empty = Indiquez un motif : il est consigné dans le journal d’audit.
err-toggle-reason-too-long = Le motif doit faire moins de { $max } caractères.
flash-chorus-feature-on = Fonctionnalité Chorus Pro activée.
flash-chorus-feature-off = Fonctionnalité Chorus Pro désactivée.

err-token-name-empty = Nommez le jeton d’après le système qui l’utilisera.
err-token-name-too-long = Une seule ligne d’au plus { $max } caractères.
flash-token-revoked = Jeton révoqué : les requêtes qui l’utilisent sont désormais refusées.
flash-token-already-revoked = Ce jeton était déjà révoqué.

flash-customer-created = Client { $name } créé.
flash-customer-saved = Client { $name } enregistré.
flash-customer-archived = Client archivé : il n’apparaît plus dans la liste ni dans les nouveaux contrats.
flash-customer-restored = Client restauré.

err-contract-number-taken = Un autre contrat porte déjà ce numéro.
flash-contract-created = Contrat { $number } créé.
flash-contract-saved = Contrat { $number } enregistré.
flash-contract-archived = Contrat archivé.
flash-contract-restored = Contrat restauré.
flash-contract-period-dates = Indiquez la période à facturer par deux dates (par exemple 01/11/2026 et 30/11/2026).
flash-contract-invoiced = Brouillon de facture créé à partir des lignes de facturation du contrat. Vérifiez-le, puis émettez-le.
flash-contract-not-invoiced = Le contrat n’a pas pu être facturé : { $reasons }

flash-einvoicing-feature-off = Le support n’a pas encore activé la fonctionnalité Chorus Pro pour votre organisation. Demandez d’abord au support de chorus-desk de l’activer.
flash-nothing-saved = Rien n’a été enregistré.
flash-nothing-changed = Aucune modification.
flash-connection-saved = Connexion Chorus Pro enregistrée.
flash-einvoicing-enabled = Facturation électronique activée. L’export UBL est activé et le reste tant que Chorus Pro est actif.
flash-einvoicing-disabled = Facturation électronique désactivée. Aucune facture ne sera envoyée à Chorus Pro.
flash-einvoicing-already-enabled = La facturation électronique était déjà activée.
flash-einvoicing-already-disabled = La facturation électronique était déjà désactivée.
flash-einvoicing-not-enabled = La facturation électronique n’a pas été activée.
flash-ubl-export-on = Export UBL activé.
flash-ubl-export-off = Export UBL désactivé.
flash-ubl-export-locked = L’export UBL reste activé : il est obligatoire tant que Chorus Pro est actif. Désactivez d’abord la facturation électronique.
banner-tech-password-expires = Le mot de passe du compte technique Chorus Pro expire le { $date } (dans { $days ->
        [one] { $days } jour
       *[other] { $days } jours
    }). Demandez à votre gestionnaire principal Chorus Pro de le renouveler, puis saisissez le nouveau ci-dessous.
banner-tech-password-expired = Le mot de passe du compte technique Chorus Pro a expiré le { $date } : Chorus Pro refuse les dépôts avec ce mot de passe. Demandez à votre gestionnaire principal Chorus Pro de le renouveler, puis saisissez le nouveau ci-dessous.

flash-draft-saved = Brouillon enregistré. Vérifiez-le ci-dessous, puis émettez-le.
flash-issued-queued = { $number } émise et en file d’attente pour Chorus Pro.
flash-issued-not-sent = { $number } émise. { $reason }
flash-not-sent-chorus-inactive = Chorus Pro n’est pas actif pour votre organisation : elle n’a donc pas été envoyée. Téléchargez-la pour l’envoyer vous-même.
flash-not-sent-customer = Le client ne reçoit pas ses factures par Chorus Pro : elle n’y a donc pas été envoyée.
flash-not-sent-buyer = L’acheteur n’est pas une organisation française dotée d’un SIRET : elle ne passe donc pas par Chorus Pro.
flash-not-issued = Non émise : { $reasons }
flash-nothing-to-resend = Il n’y a rien à renvoyer : cette facture n’attend pas d’action de votre part.
flash-requeued = De nouveau en file d’attente pour Chorus Pro.
flash-resent = De nouveau en file d’attente pour Chorus Pro avec les données corrigées.
flash-not-resent = Non renvoyée : { $reasons }
flash-credit-note-issued-only = Seule une facture émise peut être corrigée par un avoir.
flash-credit-note-created = Brouillon d’avoir créé à partir de la facture. Vérifiez-le, puis émettez-le.
flash-credit-note-failed = L’avoir n’a pas pu être créé : { $reasons }
err-invoice-not-found = introuvable
err-invoice-already-issued = Une facture émise ne change jamais : émettez un avoir pour la corriger.
err-api-no-customer = aucun de vos clients n’a cet identifiant
err-api-no-contract = aucun de vos contrats n’a cet identifiant

## Signification des statuts avant la réponse de Chorus Pro (src/web/handlers/invoices.rs)

status-draft-meaning = Pas encore émise : elle peut encore être modifiée.
status-issued-meaning = Émise ; non envoyée par Chorus Pro.
status-queued-meaning = En file d’attente : chorus-desk va la déposer sur Chorus Pro dans un instant.
status-hold-meaning = En attente de votre action : voir les motifs sur la page de la facture.
status-deposited-meaning = Déposée ; en attente de la réponse de Chorus Pro.

## Préparation d’un client pour Chorus Pro (src/readiness.rs, src/web/handlers/readiness.rs)

readiness-requires-nothing = Ni code service ni numéro d’engagement ne sont exigés.
readiness-requires-service = Un code service est exigé sur chaque facture.
readiness-requires-engagement = Un numéro d’engagement est exigé sur chaque facture.
readiness-requires-both = Un code service et un numéro d’engagement sont exigés sur chaque facture.
readiness-requires-either = Un code service ou un numéro d’engagement est exigé sur chaque facture : au moins l’un des deux.
readiness-service-required = Chorus Pro exige un code service pour ce client : choisissez l’un de ses services actifs (listés dans le panneau Chorus Pro du client).
readiness-service-unknown = Chorus Pro ne connaît aucun service « { $code } » pour ce client : choisissez l’un de ses services actifs (listés dans le panneau Chorus Pro du client).
readiness-service-closed = Le service { $code } est fermé dans Chorus Pro : choisissez l’un des services actifs du client.
readiness-siret-not-found = Le SIRET { $siret } est introuvable dans Chorus Pro : vérifiez-le auprès du client ; Chorus Pro rejette les factures adressées à un SIRET inconnu.
readiness-found = Trouvé dans Chorus Pro (structure { $structure }).
readiness-found-named = Trouvé dans Chorus Pro : { $name } (structure { $structure }).
readiness-structure-active = La structure est active.
readiness-structure-inactive = La structure est inactive dans Chorus Pro : elle ne reçoit aucune facture. Demandez au client quel SIRET facturer désormais.
readiness-structure-active-unknown = Chorus Pro n’a pas indiqué si la structure est active.
readiness-service-active = Le service { $code } est actif.
readiness-service-active-engagement = Le service { $code } est actif ; il exige un numéro d’engagement sur chaque facture.
readiness-contracts-engagement = Les contrats de ce client doivent porter le numéro d’engagement : un contrat qui n’en a pas est refusé.
readiness-payments-not-reported = Cet acheteur ne remonte pas ses paiements à Chorus Pro : le suivi des factures s’arrête une fois qu’elles sont approuvées.
readiness-no-siret = Ce client n’a pas de SIRET : saisissez-le, puis vérifiez-le auprès de Chorus Pro.
readiness-no-connection = Aucune connexion Chorus Pro n’est configurée pour cette organisation : un administrateur la saisit sous Configuration › Facturation électronique.
readiness-unusable = { $detail }
readiness-chorus-failed = Chorus Pro n’a pas pu être interrogé ; la dernière réponse est conservée. { $detail }
flash-readiness-not-checked = Pas encore vérifié dans Chorus Pro : { $problem }
flash-readiness-not-found = Vérifié auprès de Chorus Pro ({ $source }) : le SIRET { $siret } est introuvable dans Chorus Pro.
flash-readiness-problems = Vérifié auprès de Chorus Pro ({ $source }) : { $count ->
        [0] prêt à recevoir des factures.
        [one] un problème à corriger avant d’envoyer des factures.
       *[other] { $count } problèmes à corriger avant d’envoyer des factures.
    }
flash-readiness-service-not-offered = Ce service ne fait pas partie des services Chorus Pro actifs de ce client : vérifiez à nouveau le client et choisissez dans la liste.
flash-readiness-service-not-offered-named = « { $code } » ne fait pas partie des services Chorus Pro actifs de ce client : vérifiez à nouveau le client et choisissez dans la liste.
flash-service-set-and = Code service défini sur { $code }. { $then }
flash-service-set-unchecked = Code service défini sur { $code }, mais Chorus Pro n’a pas pu être interrogé à son sujet : { $detail }
flash-service-not-changed = Le code service n’a pas été modifié : { $reasons } Modifiez le client pour corriger.
err-invoice-files-failed = Les fichiers de cette facture n’ont pas pu être produits ; l’incident a été consigné.

## Où corriger ce que signale un motif de rejet Chorus Pro (src/web/handlers/invoices.rs)

hint-fix-customer-siret = Corriger le SIRET du client
hint-fix-buyer-siret = Corriger le SIRET de l’acheteur
hint-fix-customer-service-code = Corriger le code service du client
hint-fix-service-code = Corriger le code service
hint-fix-contract-engagement = Corriger le numéro d’engagement du contrat
hint-fix-engagement = Corriger le numéro d’engagement
hint-fix-iban = Corriger votre compte bancaire

## Pages d’erreur (src/error.rs)

error-title-not-found = Page introuvable
error-title-forbidden = Accès refusé
error-title-bad-request = Requête incorrecte
error-title-conflict = Conflit
error-title-too-many = Trop de tentatives
error-title-sign-in = Connexion
error-title-server = Erreur du serveur
error-not-found = Cette page n’existe pas, ou elle appartient à une autre organisation.
error-forbidden = Votre rôle ne le permet pas.
error-csrf = Ce formulaire a expiré ou ne provient pas de chorus-desk. Rechargez la page et réessayez.
error-unauthenticated = Connectez-vous pour continuer.
error-database = La base de données n’a pas répondu. Réessayez dans un instant.
error-internal = Une erreur s’est produite de notre côté. Elle a été consignée.
error-detail = { $detail }

## Actions de suivi d’une facture renvoyée par l’acheteur (src/web/handlers/invoices.rs)

flash-followup-nothing-to-recycle = Rien à recycler : Chorus Pro n’indique pas cette facture au statut A_RECYCLER.
flash-followup-nothing-to-complete = Rien à compléter : Chorus Pro n’indique pas cette facture au statut SUSPENDUE.
flash-followup-recycled = Envoyée à Chorus Pro pour recyclage. Le nouveau statut s’affichera ici dès que Chorus Pro le communiquera.
flash-followup-completed = Envoyée à Chorus Pro. Le nouveau statut s’affichera ici dès que Chorus Pro le communiquera.
err-followup-comment-empty = Rédigez la réponse que lira l’acheteur.
err-followup-comment-too-long = { $max } caractères au maximum.
err-followup-not-recycled = Facture non recyclée. { $reason }
err-followup-not-completed = Facture non complétée. { $reason }
err-attachment-kind = Chorus Pro n’accepte pas ce type de fichier : envoyez un PDF, une image, un document bureautique ou un ZIP.
err-attachment-name-too-long = Chorus Pro accepte des noms de fichier de { $max } caractères au maximum : renommez le fichier.
err-attachment-empty = Le fichier est vide.
err-attachment-too-large = Chorus Pro accepte des fichiers de moins de 10 Mo.

## Language preference (src/web/handlers/language.rs)

flash-language-saved = Votre langue a été enregistrée.

## « Tester la connexion » sur la carte Facturation électronique (src/connection_test.rs). Le texte
## d’erreur du client ($problem, $error) reste tel que Chorus Pro ou PISTE l’a donné.

conntest-step-token = Jeton OAuth de PISTE
conntest-step-health-check = Disponibilité de Chorus Pro
conntest-step-supplier-structure = Votre structure fournisseur
conntest-skipped = Non tentée : une étape précédente a échoué.
conntest-no-connection = Aucune connexion Chorus Pro n’est encore enregistrée : saisissez d’abord les identifiants ci-dessus et enregistrez-les.
conntest-token-ok = PISTE a délivré un jeton pour ces identifiants client.
conntest-health-check-ok = Chorus Pro a répondu et accepté le compte technique.
conntest-token-refused-client = PISTE a refusé l’identifiant client ou le secret client ({ $error }). Vérifiez-les tous les deux, et qu’ils correspondent à l’environnement choisi.
conntest-token-refused = PISTE a refusé de délivrer un jeton : { $problem }.
conntest-unauthorized = Chorus Pro a refusé le compte technique (HTTP 401). Vérifiez son identifiant et son mot de passe : le mot de passe expire au bout de 424 jours.
conntest-forbidden = L’application PISTE n’est pas abonnée à cette API Chorus Pro (HTTP 403). Abonnez-la dans la console PISTE.
conntest-unreachable = Chorus Pro est injoignable : { $problem }. Réessayez plus tard.
conntest-other = { $problem }.
conntest-structure-unknown = Chorus Pro ne connaît aucune structure de SIRET { $siret }. Vérifiez le SIRET du fournisseur.
conntest-structure-inactive = Le SIRET { $siret } ({ $name }) existe mais n’est pas actif dans Chorus Pro.
conntest-structure-other-id = Le SIRET { $siret } correspond à la structure Chorus { $found }, et non à { $saved } comme enregistré. Corrigez l’identifiant de structure Chorus.
conntest-structure-ok = Le SIRET { $siret } ({ $name }) est actif, structure Chorus { $id }.

## Vérification des chaînes du journal d’audit (src/audit/mod.rs, src/web/handlers/audit.rs)

audit-chain-platform = Plateforme
audit-chain-name = { $name }
audit-chain-organisation = Organisation { $id }
audit-chain-intact = intacte : { $entries } { $entries ->
    [one] entrée vérifiée
   *[other] entrées vérifiées
}
audit-chain-intact-since = intacte : { $entries } { $entries ->
    [one] entrée vérifiée
   *[other] entrées vérifiées
} depuis la purge des entrées jusqu’à la n° { $id }
audit-chain-pending = vérification en cours : { $entries } { $entries ->
    [one] entrée vérifiée
   *[other] entrées vérifiées
} jusqu’ici, aucune rupture ; la suite est vérifiée en arrière-plan (rechargez la page pour voir le résultat)
audit-chain-broken = ROMPUE à l’{ $break }
audit-break-entry = entrée { $id } : { $reason }
audit-break-entry-at = entrée { $id } ({ $at } UTC) : { $reason }
audit-break-entry-action = entrée { $id } ({ $at } UTC, { $action }) : { $reason }
audit-break-checkpoint-unreadable = ce point de contrôle de purge est illisible (il a été modifié)
audit-break-checkpoint-forged = la signature de ce point de contrôle de purge n’est pas valide (il a été falsifié ou modifié, ou la clé secrète a changé)
audit-break-before-checkpoint = elle est antérieure au point de contrôle de purge { $id } mais toujours présente (elle a été insérée après coup)
audit-break-link = son lien avec l’entrée précédente ne correspond pas : une entrée antérieure (après l’entrée { $id }) a été supprimée ou modifiée
audit-break-hash = son contenu ne correspond pas à son empreinte (l’entrée a été modifiée)
audit-break-truncated = la dernière entrée de cette chaîne manque : le journal a été tronqué après l’entrée { $id }
audit-break-outside = elle a été ajoutée au journal en dehors de chorus-desk (la tête de la chaîne ne la connaît pas)
audit-break-head-deleted = l’enregistrement de la dernière entrée de cette chaîne (audit_heads) a été supprimé

## Cadre des pages d’erreur (templates/error.html)

error-status = Erreur { $status }
error-back = Retour au tableau de bord
audit-break-head-seal = l’enregistrement de la dernière entrée de cette chaîne (audit_heads) n’est pas scellé par chorus-desk : il a été déplacé ou modifié en dehors de chorus-desk, ou la clé secrète a changé

# sec-b: sessions that end, throttling, text XML can carry
err-login-wait = Trop de tentatives échouées depuis cet endroit. Réessayez dans { $seconds } secondes.
flash-session-lifetime = Votre session a atteint sa durée maximale. Reconnectez-vous.
flash-signed-out-everywhere = Vous êtes déconnecté de tous les navigateurs.
err-text-unwritable-char = Ce texte contient un caractère de contrôle invisible ({ $code }) qu’une facture ne peut pas porter ; retapez-le sans lui.
err-invoice-period-before-contract = La période commence avant le contrat ({ $date }).
err-invoice-period-after-contract = La période doit se terminer au plus tard le { $date } (fin du contrat, ou un an à partir d’aujourd’hui).
err-invoice-period-too-long = Une facture couvre au plus { $days } jours.

## Pre-send checks from readiness, the invoice's customer and routing corrections (journey-b)

check-chorus-buyer-unknown = l’annuaire Chorus Pro ne connaît aucune structure de SIRET { $siret } : Chorus Pro rejetterait la facture
check-chorus-buyer-inactive = l’acheteur { $siret } est fermé dans l’annuaire Chorus Pro
check-chorus-service-code-required = cet acheteur exige un code service (BT-10)
check-chorus-service-code-unknown = l’acheteur n’a pas de service { $code } dans l’annuaire Chorus Pro
check-chorus-service-code-closed = le service { $code } de l’acheteur est fermé
check-chorus-engagement-required = cet acheteur exige un numéro d’engagement (BT-13)
err-invoice-contract-other-customer = ce contrat appartient à un autre client
err-form-country = Saisissez un code pays comme FR ou FRA.
err-routing-not-correctable = seule une facture dont Chorus Pro a rejeté le dépôt à l’intégration peut voir son acheminement corrigé
err-routing-unchanged = rien n’a changé : corrigez au moins un champ avant de redéposer
flash-routing-corrected = Acheminement corrigé ({ $fields }) ; la facture est déposée à nouveau sous le même numéro.
err-corrected-copy-not-offered = seule une facture rejetée par l’acheteur après son intégration par Chorus Pro se corrige par un avoir et une copie en une étape
flash-corrected-copy = Avoir { $credit_note } et copie corrigée { $copy } émis ; tous deux renvoient à la facture rejetée.
flash-corrected-copy-failed = Rien n’a été émis : { $reasons }
err-corrected-copy-done = une copie corrigée de cette facture a déjà été émise
# journey-c
err-form-too-many-lines = Une facture compte au plus { $max } lignes et davantage ont été saisies : rien n’a été enregistré. Faites deux factures, ou regroupez des lignes.

err-saved-item-name-long = au plus { $max } caractères
err-saved-item-unit = choisissez une unité dans la liste
err-saved-item-vat = choisissez une catégorie de TVA dans la liste
err-saved-item-taken = un article de ce nom existe déjà
flash-saved-item-created = Article { $name } enregistré : l’éditeur de lignes de facture le propose.
flash-saved-item-deleted = Article supprimé.
flash-saved-item-unknown = Article introuvable.
## journey-a : comptes bancaires et profil de l’entreprise
err-bank-holder-empty = Saisissez le nom du titulaire du compte, tel que la banque le connaît.
err-bank-holder-too-long = Le nom du titulaire a au plus { $max } caractères.
err-bank-iban-duplicate = Cet IBAN est déjà l’un de vos comptes.
flash-bank-account-added = Compte bancaire ajouté.
flash-bank-account-saved = Compte bancaire enregistré.
flash-bank-account-default = Les factures émises désormais sont payées sur ce compte.
flash-bank-account-deleted = Compte bancaire supprimé.

## Import of existing e-invoices (en16931)

err-import-file = { $detail }
pdf-substitute-warning = La police du PDF ne sait pas dessiner { $characters } : le PDF affiche « ? » à leur place (le XML garde le texte exact).
err-profile-text-too-long = { $max } caractères au plus.
err-profile-capital-negative = Le capital social ne peut pas être négatif.
err-profile-capital-cents = Le capital social a au plus 2 décimales (centimes).
err-profile-address-empty = Saisissez l’adresse.
err-profile-city-empty = Saisissez la ville.
err-profile-phone = Un numéro de téléphone ne contient que des chiffres, des espaces et + . - ( ).
err-profile-payment-days = Saisissez un nombre de jours de 0 à { $max }.
err-profile-next-number = Saisissez un nombre entier de 1 à 99999.
err-profile-next-number-locked = Des factures ont déjà été émises dans cette série cette année : la numérotation continue à { $next }, sans trou.
err-logo-empty = Le fichier du logo est vide.
err-logo-too-large = Le logo fait au plus { $max } Ko.
err-logo-format = Le logo doit être une image PNG ou JPEG.
flash-company-saved = Profil de l’entreprise enregistré : les factures émises désormais l’utilisent.
err-bank-one-default = Marquez au plus un compte comme compte par défaut.
err-bank-unknown-id = Aucun de vos comptes bancaires n’a cet identifiant.
err-inv-vat-amount-stated = doit être à 1 près la TVA calculée pour cette catégorie et ce taux (BR-CO-17)

## Courriels de notification (src/notify/mail.rs)

mail-no-reason = Aucun motif n’a été donné.
mail-invoice-rejected-subject = La facture { $number } a été rejetée par Chorus Pro
mail-invoice-rejected-body = La facture { $number } a été rejetée.
    
    Motif : { $reason }
    
    Corrigez-la et émettez-la de nouveau : { $link }
mail-invoice-suspended-subject = La facture { $number } est suspendue
mail-invoice-suspended-body = L’acheteur a suspendu la facture { $number }.
    
    Motif : { $reason }
    
    Complétez-la : { $link }
mail-invoice-to-recycle-subject = La facture { $number } est à recycler
mail-invoice-to-recycle-body = L’acheteur a renvoyé la facture { $number } au recyclage : son acheminement doit être corrigé.
    
    Motif : { $reason }
    
    Corrigez l’acheminement : { $link }
mail-invoice-paid-subject = La facture { $number } est mise en paiement
mail-invoice-paid-body = La facture { $number } a été mise en paiement.
    
    { $link }
mail-password-expiring-subject = Le mot de passe technique Chorus Pro expire dans { $days } jours
mail-password-expiring-body = Le mot de passe du compte technique expire dans { $days } jours. Changez-le dans Chorus Pro, puis saisissez le nouveau dans les réglages de facturation électronique.
    
    { $link }
mail-invoice-stuck-subject = { $count } factures toujours en traitement après { $days } jours
mail-invoice-stuck-body = Ces factures sont toujours en traitement après { $days } jours : { $summary }
    
    { $link }
mail-daily-digest-subject = Chorus Pro : { $count } changements de statut aujourd’hui
mail-daily-digest-body = Changements de statut du dernier jour :
    
    { $summary }
    
    { $link }
invoice-import-link = Importer un fichier
invoice-import-title = Importer un fichier de facture
invoice-import-help = Un fichier XML UBL 2.1 ou CII D16B, ou un PDF Factur-X : il devient un brouillon à vérifier puis émettre.
invoice-import-file = Fichier de facture
invoice-import-submit = Importer
err-import-no-file = Choisissez un fichier à importer.
err-einv-identifier-profile = Choisissez EN 16931 ou les codes AIFE.

# Émission groupée et limite de débit de la connexion (issue 21).
bulk-issue-no-selection = Cochez au moins un brouillon à émettre.
bulk-issue-nothing = Aucun brouillon à émettre : rien ne correspond.
bulk-issue-bad-filter = Les dates du filtre ne sont pas comprises : corrigez-les et réessayez.
bulk-issue-period-order = La fin de la période ne peut pas précéder son début.
err-bulk-issue-no-ids = Indiquez au moins un identifiant de brouillon.
err-bulk-issue-too-many = Au plus { $max } identifiants à la fois.
err-requests-per-second = Saisissez un nombre entier de requêtes par seconde entre 1 et { $max }, ou laissez vide pour la valeur par défaut.

# Parcours depuis une installation vierge (ticket 17) : renvoi après correction du client ou du contrat.
resend-field-buyer-name = Nom de l’acheteur
resend-field-buyer-siret = SIRET de l’acheteur
resend-field-service-code = Code service
resend-field-engagement = Engagement
resend-field-market = Numéro de marché
resend-none = (aucun)
resend-value = { $value }
resend-change = { $field } : { $before } → { $after }
err-invoice-resend-unchanged = Rien n’a changé depuis le dépôt rejeté : corrigez d’abord le client ou le contrat, ou utilisez Réessayer pour la renvoyer telle quelle.
flash-resent-with = De nouveau en file pour Chorus Pro avec les données corrigées : { $changes }
flash-back-to-invoice = De retour sur la facture : vérifiez ce qui a changé et renvoyez-la.
