//! The JSON API under `/api/v1`, authenticated by organisation API tokens (`Access::Api`). Same
//! rules as the pages: errors are 422 `{"errors":{field:[…]}}`, malformed JSON is a 400, and an
//! unknown id or another organisation's is a 404, all as JSON.

use crate::auth::api_token::ApiCaller;
use crate::db::Db;
use crate::db::models::{contract, customer};
use crate::domain::contract::{ContractInput, money};
use crate::domain::customer::CustomerInput;
use crate::error::{ApiError, AppError};
use actix_web::{HttpResponse, web};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 200;

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::from(AppError::BadRequest(message.into()))
}

fn read_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| bad_request(format!("The body is not valid JSON for this resource: {e}.")))
}

/// A partial update: the stored object's input, with the fields the body sends replacing theirs.
fn merge_json<T: Serialize + DeserializeOwned>(current: &T, body: &[u8]) -> Result<T, ApiError> {
    let patch: Value = read_json(body)?;
    let Value::Object(patch) = patch else {
        return Err(bad_request("Send a JSON object with the fields to change."));
    };
    let mut merged = serde_json::to_value(current).map_err(AppError::internal)?;
    if let Value::Object(fields) = &mut merged {
        fields.extend(patch);
    }
    serde_json::from_value(merged)
        .map_err(|e| bad_request(format!("The body is not valid JSON for this resource: {e}.")))
}

/// `?after=ID&limit=N`: keyset pagination by id.
fn page_params(query: &std::collections::HashMap<String, String>) -> Result<(i64, i64), ApiError> {
    let number = |name: &str, default: i64| match query.get(name) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse::<i64>()
            .map_err(|_| bad_request(format!("`{name}` must be a whole number."))),
    };
    let after = number("after", 0)?;
    let limit = number("limit", DEFAULT_PAGE)?;
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(bad_request(format!("`limit` must be between 1 and {MAX_PAGE}.")));
    }
    Ok((after, limit))
}

fn customer_json(row: &customer::CustomerRow) -> Value {
    serde_json::to_value(row).unwrap_or(Value::Null)
}

fn contract_json(detail: &contract::ContractDetail) -> Value {
    let c = &detail.contract;
    json!({
        "id": c.id,
        "customer_id": c.customer_id,
        "customer_name": detail.customer_name,
        "number": c.number,
        "title": c.title,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "external_reference": c.external_reference,
        "market_number": c.market_number,
        "billing_period": c.billing_period,
        "archived": c.archived,
        "lines": detail.lines.iter().map(|line| json!({
            "description": line.description,
            "quantity": line.quantity().to_string(),
            "unit_code": line.unit_code,
            "unit_price": line.unit_price().to_string(),
            "vat_category": line.vat_category,
            "vat_rate": line.vat_rate().to_string(),
            "net_amount": money(line.net_amount()),
        })).collect::<Vec<_>>(),
        "net_total": money(detail.net_total()),
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    })
}

fn list_json(data: Vec<Value>, last_id: Option<i64>, limit: i64) -> Value {
    let next_after = if data.len() as i64 == limit { last_id } else { None };
    json!({ "data": data, "next_after": next_after })
}

// ---- customers ----

#[utoipa::path(
    get,
    path = "/api/v1/customers",
    tag = "customers",
    summary = "List the organisation's customers, by id (keyset pagination).",
    security(("api_token" = [])),
    params(("after" = Option<i64>, Query, description = "Only ids after this one"), ("limit" = Option<i64>, Query, description = "Page size, 1 to 200 (default 50)")),
    responses(
        (status = 200, description = "A page of customers: `{\"data\": [...], \"next_after\": id|null}`", body = Object),
        crate::web::handlers::api_schema::ReadErrors
    )
)]
pub async fn list_customers(
    caller: ApiCaller,
    db: web::Data<Db>,
    query: web::Query<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let (after, limit) = page_params(&query)?;
    let org = caller.organisation_id;
    let rows = db
        .run(move |conn| customer::list_after(conn, org, after, limit).map_err(AppError::from))
        .await?;
    let last = rows.last().map(|r| r.id);
    Ok(HttpResponse::Ok().json(list_json(rows.iter().map(customer_json).collect(), last, limit)))
}

#[utoipa::path(
    get,
    path = "/api/v1/customers/{id}",
    tag = "customers",
    summary = "One customer.",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    responses(
        (status = 200, description = "The customer", body = Object),
        crate::web::handlers::api_schema::ItemErrors
    )
)]
pub async fn get_customer(
    caller: ApiCaller,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (caller.organisation_id, path.into_inner());
    let row = db
        .run(move |conn| customer::find(conn, org, id)?.ok_or(AppError::NotFound))
        .await?;
    Ok(HttpResponse::Ok().json(customer_json(&row)))
}

#[utoipa::path(
    post,
    path = "/api/v1/customers",
    tag = "customers",
    summary = "Create a customer.",
    security(("api_token" = [])),
    request_body(content = CustomerInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created: the customer", body = Object),
        crate::web::handlers::api_schema::CreateErrors
    )
)]
pub async fn create_customer(caller: ApiCaller, db: web::Data<Db>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let input: CustomerInput = read_json(&body)?;
    match crate::app::customers::save(&db, caller.organisation_id, caller.actor(), None, input).await? {
        Ok(row) => Ok(HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/customers/{}", row.id)))
            .json(customer_json(&row))),
        Err(errors) => Err(ApiError::invalid(errors)),
    }
}

async fn update_customer(caller: ApiCaller, db: &Db, id: i64, input: CustomerInput) -> Result<HttpResponse, ApiError> {
    match crate::app::customers::save(db, caller.organisation_id, caller.actor(), Some(id), input).await? {
        Ok(row) => Ok(HttpResponse::Ok().json(customer_json(&row))),
        Err(errors) => Err(ApiError::invalid(errors)),
    }
}

#[utoipa::path(
    put,
    path = "/api/v1/customers/{id}",
    tag = "customers",
    summary = "Replace a customer's fields.",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    request_body(content = CustomerInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The customer", body = Object),
        crate::web::handlers::api_schema::UpdateErrors
    )
)]
pub async fn replace_customer(
    caller: ApiCaller,
    db: web::Data<Db>,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let org = caller.organisation_id;
    // A 404 comes before any complaint about the body.
    db.run(move |conn| customer::find(conn, org, id)?.ok_or(AppError::NotFound))
        .await?;
    let input: CustomerInput = read_json(&body)?;
    update_customer(caller, &db, id, input).await
}

#[utoipa::path(
    patch,
    path = "/api/v1/customers/{id}",
    tag = "customers",
    summary = "Change some fields of a customer.",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    request_body(content = CustomerInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The customer", body = Object),
        crate::web::handlers::api_schema::UpdateErrors
    )
)]
pub async fn patch_customer(
    caller: ApiCaller,
    db: web::Data<Db>,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let org = caller.organisation_id;
    let current = db
        .run(move |conn| customer::find(conn, org, id)?.ok_or(AppError::NotFound))
        .await?;
    let input = merge_json(&current.to_input(), &body)?;
    update_customer(caller, &db, id, input).await
}

// ---- contracts ----

#[utoipa::path(
    get,
    path = "/api/v1/contracts",
    tag = "contracts",
    summary = "List the organisation's contracts (keyset pagination).",
    security(("api_token" = [])),
    params(("after" = Option<i64>, Query, description = "Only ids after this one"), ("limit" = Option<i64>, Query, description = "Page size, 1 to 200 (default 50)")),
    responses(
        (status = 200, description = "A page of contracts", body = Object),
        crate::web::handlers::api_schema::ReadErrors
    )
)]
pub async fn list_contracts(
    caller: ApiCaller,
    db: web::Data<Db>,
    query: web::Query<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let (after, limit) = page_params(&query)?;
    let org = caller.organisation_id;
    let rows = db
        .run(move |conn| contract::list_after(conn, org, after, limit).map_err(AppError::from))
        .await?;
    let last = rows.last().map(|r| r.contract.id);
    Ok(HttpResponse::Ok().json(list_json(rows.iter().map(contract_json).collect(), last, limit)))
}

#[utoipa::path(
    get,
    path = "/api/v1/contracts/{id}",
    tag = "contracts",
    summary = "One contract with its lines.",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    responses(
        (status = 200, description = "The contract", body = Object),
        crate::web::handlers::api_schema::ItemErrors
    )
)]
pub async fn get_contract(
    caller: ApiCaller,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (caller.organisation_id, path.into_inner());
    let detail = db
        .run(move |conn| contract::find(conn, org, id)?.ok_or(AppError::NotFound))
        .await?;
    Ok(HttpResponse::Ok().json(contract_json(&detail)))
}

#[utoipa::path(
    post,
    path = "/api/v1/contracts",
    tag = "contracts",
    summary = "Create a contract.",
    security(("api_token" = [])),
    request_body(content = ContractInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created: the contract", body = Object),
        crate::web::handlers::api_schema::CreateErrors
    )
)]
pub async fn create_contract(caller: ApiCaller, db: web::Data<Db>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let input: ContractInput = read_json(&body)?;
    match crate::app::contracts::save(&db, caller.organisation_id, caller.actor(), None, input).await? {
        Ok(detail) => Ok(HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/contracts/{}", detail.contract.id)))
            .json(contract_json(&detail))),
        Err(errors) => Err(ApiError::invalid(errors)),
    }
}

async fn update_contract(caller: ApiCaller, db: &Db, id: i64, input: ContractInput) -> Result<HttpResponse, ApiError> {
    match crate::app::contracts::save(db, caller.organisation_id, caller.actor(), Some(id), input).await? {
        Ok(detail) => Ok(HttpResponse::Ok().json(contract_json(&detail))),
        Err(errors) => Err(ApiError::invalid(errors)),
    }
}

#[utoipa::path(
    put,
    path = "/api/v1/contracts/{id}",
    tag = "contracts",
    summary = "Replace a contract.",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    request_body(content = ContractInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The contract", body = Object),
        crate::web::handlers::api_schema::UpdateErrors
    )
)]
pub async fn replace_contract(
    caller: ApiCaller,
    db: web::Data<Db>,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let org = caller.organisation_id;
    db.run(move |conn| contract::find(conn, org, id)?.ok_or(AppError::NotFound))
        .await?;
    let input: ContractInput = read_json(&body)?;
    update_contract(caller, &db, id, input).await
}

#[utoipa::path(
    patch,
    path = "/api/v1/contracts/{id}",
    tag = "contracts",
    summary = "Change some fields of a contract.",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "The resource id")),
    request_body(content = ContractInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The contract", body = Object),
        crate::web::handlers::api_schema::UpdateErrors
    )
)]
pub async fn patch_contract(
    caller: ApiCaller,
    db: web::Data<Db>,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let org = caller.organisation_id;
    let current = db
        .run(move |conn| contract::find(conn, org, id)?.ok_or(AppError::NotFound))
        .await?;
    let input = merge_json(&current.to_input(), &body)?;
    update_contract(caller, &db, id, input).await
}

// ---- the organisation's billing profile and bank accounts (journey-a) ----

fn organisation_json(
    row: &crate::db::models::organisation::OrganisationRow,
    next: i64,
    accounts: &[crate::db::models::bank_account::BankAccountRow],
) -> Value {
    let input = crate::app::organisation_profile::input_of(row, next);
    let mut body = serde_json::to_value(&input).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut body {
        fields.insert("siret".into(), json!(row.siret));
        fields.insert("payment_terms_days".into(), json!(row.payment_terms_days));
        fields.insert("next_number".into(), json!(next));
        fields.insert(
            "next_invoice_number".into(),
            json!(format!(
                "{}{}-{next:05}",
                row.invoice_prefix,
                crate::app::organisation_profile::current_year()
            )),
        );
        fields.insert(
            "bank_accounts".into(),
            json!(accounts
                .iter()
                .map(|a| json!({"id": a.id, "iban": a.iban, "bic": a.bic, "holder_name": a.holder_name, "default": a.is_default}))
                .collect::<Vec<_>>()),
        );
    }
    body
}

async fn organisation_answer(db: &Db, org: i64) -> Result<HttpResponse, ApiError> {
    let (row, next, accounts) = db
        .run(move |conn| {
            let (row, next) = crate::app::organisation_profile::load(conn, org).map_err(AppError::from)?;
            let accounts = crate::db::models::bank_account::list(conn, org)?;
            Ok::<_, AppError>((row, next, accounts))
        })
        .await?;
    Ok(HttpResponse::Ok().json(organisation_json(&row, next, &accounts)))
}

#[utoipa::path(
    get,
    path = "/api/v1/organisation",
    tag = "organisation",
    summary = "The organisation's billing profile, its numbering and its bank accounts.",
    security(("api_token" = [])),
    responses(
        (status = 200, description = "The profile and `bank_accounts`", body = Object),
        (status = 401, description = "Missing or invalid API token", body = crate::web::handlers::api_schema::ErrorBody)
    )
)]
pub async fn get_organisation(caller: ApiCaller, db: web::Data<Db>) -> Result<HttpResponse, ApiError> {
    organisation_answer(&db, caller.organisation_id).await
}

/// The body: any profile field (the others keep their value) and, optionally, `bank_accounts`, the
/// whole set (`[{"id"?, "iban", "bic", "holder_name", "default"}]`).
#[utoipa::path(
    put,
    path = "/api/v1/organisation",
    tag = "organisation",
    summary = "Change profile fields (the others keep their value); `bank_accounts`, when given, replaces the whole set.",
    security(("api_token" = [])),
    request_body(content = Object, description = "Profile fields and, optionally, `bank_accounts`: `[{\"id\"?, \"iban\", \"bic\", \"holder_name\", \"default\"}]`", content_type = "application/json"),
    responses(
        (status = 200, description = "The profile and `bank_accounts` as stored", body = Object),
        (status = 400, description = "Malformed JSON", body = crate::web::handlers::api_schema::ErrorBody),
        (status = 401, description = "Missing or invalid API token", body = crate::web::handlers::api_schema::ErrorBody),
        (status = 422, description = "Invalid fields, by field (e.g. `bank_accounts[0].iban`)", body = crate::web::handlers::api_schema::ErrorBody)
    )
)]
pub async fn put_organisation(
    caller: ApiCaller,
    db: web::Data<Db>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    use crate::app::organisation_profile::{self as use_case, AccountSpec, ProfileError};
    let org = caller.organisation_id;
    let mut patch: Value = read_json(&body)?;
    let Value::Object(fields) = &mut patch else {
        return Err(bad_request(
            "Send a JSON object with the profile fields and, optionally, bank_accounts.",
        ));
    };
    let accounts: Option<Vec<AccountSpec>> = match fields.remove("bank_accounts") {
        None | Some(Value::Null) => None,
        Some(list) => Some(
            serde_json::from_value(list)
                .map_err(|e| bad_request(format!("`bank_accounts` must be a list of accounts: {e}.")))?,
        ),
    };
    let (current, _) = db
        .run(move |conn| use_case::load(conn, org).map_err(AppError::from))
        .await?;
    // The next number is only sent when it should change.
    let mut stored = serde_json::to_value(use_case::input_of(&current, 0)).map_err(AppError::internal)?;
    if let Value::Object(stored_fields) = &mut stored {
        stored_fields.insert("next_number".into(), json!(""));
        stored_fields.extend(fields.clone());
    }
    let input: crate::domain::organisation_profile::ProfileInput = serde_json::from_value(stored)
        .map_err(|e| bad_request(format!("The body is not valid JSON for this resource: {e}.")))?;
    let actor = caller.actor();
    let outcome = db
        .run(
            move |conn| match use_case::replace(conn, org, &input, accounts.as_deref(), actor) {
                Err(ProfileError::Invalid(errors)) => Ok(Err(errors)),
                other => other.map(Ok).map_err(AppError::from),
            },
        )
        .await?;
    match outcome {
        Ok(_) => organisation_answer(&db, org).await,
        Err(errors) => Err(ApiError::invalid(errors)),
    }
}
