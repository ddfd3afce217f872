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
        iban -> Nullable<Text>,
        bic -> Nullable<Text>,
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
    invoices (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        customer_id -> Nullable<BigInt>,
        contract_id -> Nullable<BigInt>,
        kind -> Text,
        series -> Text,
        number -> Nullable<Text>,
        state -> Text,
        issue_date -> Date,
        due_date -> Nullable<Date>,
        currency -> Text,
        buyer_name -> Text,
        buyer_siret -> Nullable<Text>,
        total_without_vat -> BigInt,
        total_vat -> BigInt,
        total_with_vat -> BigInt,
        amount_due -> BigInt,
        document -> Text,
        corrects_invoice_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        issued_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        list_status -> Text,
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
    invoice_series (organisation_id, series) {
        organisation_id -> BigInt,
        series -> Text,
        next_value -> BigInt,
    }
}

diesel::table! {
    submissions (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        invoice_id -> BigInt,
        stage -> Text,
        status -> Text,
        chorus_status -> Nullable<Text>,
        flux_number -> Nullable<Text>,
        chorus_invoice_id -> Nullable<Text>,
        syntax -> Text,
        attempts -> BigInt,
        deposit_started_at -> Nullable<Timestamp>,
        next_run_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        reasons -> Text,
        deposited_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    poll_cursors (organisation_id) {
        organisation_id -> BigInt,
        watermark -> Nullable<Timestamp>,
        next_run_at -> Timestamp,
        unchanged_cycles -> BigInt,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        last_cycle_at -> Nullable<Timestamp>,
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
    submission_payloads (submission_id) {
        submission_id -> BigInt,
        file_name -> Text,
        sha256 -> Text,
        size_bytes -> BigInt,
        content -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    chorus_connections (organisation_id) {
        organisation_id -> BigInt,
        environment -> Text,
        piste_client_id -> Nullable<Binary>,
        piste_client_id_set_at -> Nullable<Timestamp>,
        piste_client_secret -> Nullable<Binary>,
        piste_client_secret_set_at -> Nullable<Timestamp>,
        tech_login -> Nullable<Binary>,
        tech_login_set_at -> Nullable<Timestamp>,
        tech_password -> Nullable<Binary>,
        tech_password_set_at -> Nullable<Timestamp>,
        supplier_siret -> Text,
        structure_id -> Nullable<Text>,
        deposit_format -> Text,
        attachment_mode -> Text,
        updated_at -> Timestamp,
        updated_by -> Nullable<BigInt>,
        // Per-connection endpoint overrides (migration 2026-12-07-000300).
        token_url_override -> Nullable<Text>,
        api_base_url_override -> Nullable<Text>,
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
    audit_heads (chain_key) {
        chain_key -> BigInt,
        organisation_id -> Nullable<BigInt>,
        last_id -> BigInt,
        last_hash -> Text,
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
diesel::joinable!(submissions -> invoices (invoice_id));
diesel::joinable!(chorus_connections -> organisations (organisation_id));
diesel::joinable!(contracts -> customers (customer_id));
diesel::joinable!(contract_lines -> contracts (contract_id));
diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    login_failures,
    audit_log,
    audit_heads,
    invoices,
    invoice_series,
    submissions,
    submission_payloads,
    poll_cursors,
    chorus_connections,
    customers,
    customer_chorus_readiness,
    contracts,
    contract_lines,
    api_tokens
);
