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
        trading_name -> Nullable<Text>,
        legal_form -> Nullable<Text>,
        share_capital -> Nullable<BigInt>,
        registration -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        payment_terms_days -> Integer,
        payment_terms_end_of_month -> Bool,
        late_payment_penalty -> Nullable<Text>,
        recovery_indemnity -> Nullable<Text>,
        invoice_prefix -> Text,
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
        // BT-29/BT-46 scheme profile (migration 2026-12-07-001301): en16931 | aife.
        identifier_profile -> Text,
        // Requests per second this connection may start (migration 2026-12-07-001000).
        requests_per_second -> Nullable<Integer>,
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

// sec-a: the keyed audit chain (migration 2026-12-07-000101_keyed_audit_chain).
diesel::table! {
    audit_head_seals (chain_key) {
        chain_key -> BigInt,
        signature -> Text,
    }
}

diesel::table! {
    audit_chain_keying (id) {
        id -> BigInt,
        keyed_at -> Nullable<Timestamp>,
        entries -> BigInt,
        chains -> BigInt,
        chains_left_broken -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(audit_heads, audit_head_seals);

// Saved items (journey-b): suggested by the invoice lines editor.
diesel::table! {
    saved_items (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        name -> Text,
        unit_code -> Text,
        unit_price_micros -> BigInt,
        vat_category -> Text,
        vat_rate_micros -> BigInt,
        created_at -> Timestamp,
    }
}

// journey-a: the organisation's bank accounts and logo (migrations 2026-12-07-000400/000401).
diesel::table! {
    bank_accounts (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        iban -> Text,
        bic -> Nullable<Text>,
        holder_name -> Text,
        is_default -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organisation_logos (organisation_id) {
        organisation_id -> BigInt,
        content_type -> Text,
        content -> Binary,
        updated_at -> Timestamp,
    }
}

// Notifications (issue 19): mail preferences and outbox, webhook endpoints, events, deliveries.
diesel::table! {
    notification_preferences (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        user_id -> BigInt,
        event -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        user_id -> BigInt,
        event -> Text,
        recipient -> Text,
        locale -> Text,
        invoice_id -> Nullable<BigInt>,
        details -> Text,
        dedupe_key -> Nullable<Text>,
        message_id -> Text,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        url -> Text,
        events -> Text,
        secret -> Binary,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        event_type -> Text,
        invoice_id -> Nullable<BigInt>,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        event_id -> BigInt,
        endpoint_id -> BigInt,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_http_status -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::allow_tables_to_appear_in_same_query!(webhook_deliveries, webhook_events, webhook_endpoints);
diesel::allow_tables_to_appear_in_same_query!(mail_outbox, users, notification_preferences);

// Imported e-invoices kept byte for byte (migration 2026-12-07-001300, issue #18).
diesel::table! {
    invoice_originals (invoice_id) {
        invoice_id -> BigInt,
        organisation_id -> BigInt,
        format -> Text,
        number -> Text,
        sha256 -> Text,
        size_bytes -> BigInt,
        content -> Binary,
        draft_document -> Text,
        deposited_original -> Nullable<Bool>,
        created_at -> Timestamp,
    }
}
diesel::joinable!(invoice_originals -> invoices (invoice_id));
diesel::allow_tables_to_appear_in_same_query!(invoice_originals, invoices);
// Issue 21: bulk issue runs (migration 2026-12-07-001010).
diesel::table! {
    bulk_runs (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        created_by -> Nullable<BigInt>,
        kind -> Text,
        total -> BigInt,
        done -> BigInt,
        issued -> BigInt,
        refused -> BigInt,
        refusals -> Text,
        finished_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
