# Messages : erreurs de saisie, messages flash, significations des statuts Chorus.
