//! The shapes the API's handlers name in their OpenAPI annotations (the error body, the invoice
//! document's component): a leaf, so that the handlers and the document that lists them do not
//! import each other.

/// An API error: a message, and the problems by field for a 422.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the JSON that `error::ApiError` writes
pub struct ErrorBody {
    /// What went wrong, for a person.
    error: String,
    /// For a 422: the messages by field name.
    errors: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

/// `"document"` of `POST /api/v1/invoices`: the `InvoiceDocument` component.
pub fn invoice_document_ref() -> utoipa::openapi::Ref {
    utoipa::openapi::Ref::from_schema_name("InvoiceDocument")
}

// The error answers of `/api/v1`, shared by the routes' `responses(…)` (each a JSON `ErrorBody`).
// A route lists its success tuple, then the set that matches what it can refuse.

/// A route that reads: a malformed parameter, a missing token.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // describes responses `error::ApiError` writes
pub enum ReadErrors {
    #[response(status = 400, description = "Malformed JSON or parameter")]
    BadRequest(ErrorBody),
    #[response(status = 401, description = "Missing or invalid API token")]
    Unauthorized(ErrorBody),
}

/// A route on one resource of the organisation: `ReadErrors`, and 404 for another's or none.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum ItemErrors {
    #[response(status = 400, description = "Malformed JSON or parameter")]
    BadRequest(ErrorBody),
    #[response(status = 401, description = "Missing or invalid API token")]
    Unauthorized(ErrorBody),
    #[response(status = 404, description = "No such resource in the organisation")]
    NotFound(ErrorBody),
}

/// A route that creates: `ReadErrors`, and 422 with the problems by field.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum CreateErrors {
    #[response(status = 400, description = "Malformed JSON or parameter")]
    BadRequest(ErrorBody),
    #[response(status = 401, description = "Missing or invalid API token")]
    Unauthorized(ErrorBody),
    #[response(status = 422, description = "Invalid fields, by field")]
    Unprocessable(ErrorBody),
}

/// A route that changes one resource: `ItemErrors`, and 422 with the problems by field.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum UpdateErrors {
    #[response(status = 400, description = "Malformed JSON or parameter")]
    BadRequest(ErrorBody),
    #[response(status = 401, description = "Missing or invalid API token")]
    Unauthorized(ErrorBody),
    #[response(status = 404, description = "No such resource in the organisation")]
    NotFound(ErrorBody),
    #[response(status = 422, description = "Invalid fields, by field")]
    Unprocessable(ErrorBody),
}
