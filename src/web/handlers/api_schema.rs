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
