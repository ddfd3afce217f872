# Messages: validation errors, flash messages, Chorus status meanings (owned by the i18nmsg work).
