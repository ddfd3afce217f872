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
    customers (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        name -> Text,
        address_line1 -> Text,
        address_line2 -> Nullable<Text>,
        city -> Text,
        postal_code -> Text,
        country -> Text,
        vat_number -> Nullable<Text>,
        siret -> Nullable<Text>,
        service_code -> Nullable<Text>,
        chorus -> Bool,
        email -> Nullable<Text>,
        archived -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    customer_chorus_readiness (customer_id) {
        customer_id -> BigInt,
        organisation_id -> BigInt,
        engagement_required -> Nullable<Bool>,
        checked_at -> Timestamp,
        status -> Text,
    }
}

diesel::table! {
    contracts (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        customer_id -> BigInt,
        number -> Text,
        title -> Text,
        start_date -> Date,
        end_date -> Nullable<Date>,
        external_reference -> Nullable<Text>,
        market_number -> Nullable<Text>,
        billing_period -> Text,
        archived -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contract_lines (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        contract_id -> BigInt,
        position -> BigInt,
        description -> Text,
        quantity_micros -> BigInt,
        unit_code -> Text,
        unit_price_micros -> BigInt,
        vat_category -> Text,
        vat_rate_micros -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        name -> Text,
        token_prefix -> Text,
        token_hash -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(contracts -> customers (customer_id));
diesel::joinable!(contract_lines -> contracts (contract_id));
diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    login_failures,
    audit_log,
    customers,
    customer_chorus_readiness,
    contracts,
    contract_lines,
    api_tokens
);
