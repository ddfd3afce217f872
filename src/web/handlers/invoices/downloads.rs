//! Invoices: downloads (UBL, PDF, the package as deposited).

use super::*;
use crate::domain::deposit::DepositFormat;

fn file_response(content_type: &str, file_name: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", file_name.replace(['"', '\\'], "_")),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

/// A ZIP of the UBL and the readable PDF.
pub fn package_zip(stem: &str, package: &crate::render::ubl::Package) -> Result<Vec<u8>, AppError> {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, content) in [
        (format!("{stem}.xml"), &package.ubl),
        (format!("{stem}.pdf"), &package.pdf),
    ] {
        zip.start_file(name, options).map_err(AppError::internal)?;
        zip.write_all(content).map_err(AppError::internal)?;
    }
    Ok(zip.finish().map_err(AppError::internal)?.into_inner())
}

/// Which file a download asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    /// The invoice file in a deposit format, as Chorus Pro would receive it (the Factur-X PDF for
    /// Factur-X).
    Invoice(DepositFormat),
    /// The readable PDF.
    Pdf,
    /// A ZIP of the UBL and the readable PDF.
    Package,
}

/// The bytes of one download: (content type, file name, body).
pub async fn download_file(
    db: &Db,
    org_id: i64,
    id: i64,
    which: Download,
) -> Result<(&'static str, String, Vec<u8>), AppError> {
    let (row, _, mode) = load_full(db, org_id, id).await?;
    let invoice = parsed(&row)?;
    let stem = invoice.number().file_stem();
    // The organisation's logo, drawn on the PDF (decoded where the PDF is drawn).
    let (logo, profile) = db
        .run(move |conn| {
            let logo = crate::db::models::organisation_logo::find(conn, org_id)?;
            // The identifier scheme profile of the organisation's connection (BT-29/BT-46).
            let profile = crate::db::models::chorus_connection::summary(conn, org_id)?
                .and_then(|c| crate::domain::einvoicing::IdentifierProfile::parse(&c.identifier_profile))
                .unwrap_or_default();
            Ok::<_, AppError>((logo, profile))
        })
        .await?;
    let decode = move || {
        logo.as_ref()
            .and_then(|l| crate::render::pdf::Logo::decode(&l.content_type, &l.content))
    };
    if let Download::Invoice(format) = which {
        let rendered =
            web::block(move || crate::render::render_invoice_with(&invoice, format, mode, profile, decode().as_ref()))
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::internal)?;
        // UBL keeps the plain `<number>.xml`; the other formats say theirs in the name.
        let name = match format {
            DepositFormat::Ubl => format!("{stem}.{}", format.file_extension()),
            other => format!("{stem}-{}.{}", other.as_str(), other.file_extension()),
        };
        return Ok((format.content_type(), name, rendered.into_deposited(format)));
    }
    let package = web::block(move || {
        let pdf = crate::render::pdf::render_pdf_with_logo(&invoice, decode().as_ref())?;
        crate::render::ubl::package::render_package_with_pdf(&invoice, mode, pdf, profile)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    Ok(match which {
        Download::Pdf => ("application/pdf", format!("{stem}.pdf"), package.pdf),
        _ => ("application/zip", format!("{stem}.zip"), package_zip(&stem, &package)?),
    })
}

async fn download(user: CurrentUser, db: web::Data<Db>, id: i64, which: Download) -> Result<HttpResponse, AppError> {
    let org_id = user.organisation()?;
    let (content_type, name, body) = download_file(&db, org_id, id, which).await?;
    Ok(file_response(content_type, &name, body))
}

pub async fn download_ubl(
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    download(user, db, path.into_inner(), Download::Invoice(DepositFormat::Ubl)).await
}

pub async fn download_pdf(
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    download(user, db, path.into_inner(), Download::Pdf).await
}

pub async fn download_package(
    user: CurrentUser,
    db: web::Data<Db>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    download(user, db, path.into_inner(), Download::Package).await
}
