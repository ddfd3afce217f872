// Hand-kept table definitions using only the types both backends share (see migrations/README.md).
// `tests/app/migrations.rs` checks that both migration folders produce the same tables and columns.

diesel::table! {
    organisations (id) {
        id -> BigInt,
        name -> Text,
        siret -> Text,
        siren -> Text,
        vat_number -> Nullable<Text>,
        address_line1 -> Text,
        address_line2 -> Nullable<Text>,
        postal_code -> Text,
        city -> Text,
        country -> Text,
        chorus_feature -> Bool,
        einvoicing_enabled -> Bool,
        ubl_export -> Bool,
        archived -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        organisation_id -> Nullable<BigInt>,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        roles -> Text,
        must_change_password -> Bool,
        session_generation -> BigInt,
        locale -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        email_key -> Text,
        client_ip -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        organisation_id -> Nullable<BigInt>,
        occurred_at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor_label -> Text,
        action -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<Text>,
        outcome -> Text,
        details -> Text,
        prev_hash -> Text,
        entry_hash -> Text,
    }
}

diesel::table! {
    audit_heads (chain_key) {
        chain_key -> BigInt,
        organisation_id -> Nullable<BigInt>,
        last_id -> BigInt,
        last_hash -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(users -> organisations (organisation_id));
diesel::allow_tables_to_appear_in_same_query!(organisations, users, login_failures, audit_log, audit_heads);
