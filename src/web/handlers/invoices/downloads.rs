//! Invoices: downloads (UBL, PDF, the package as deposited).

use super::*;

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
pub fn package_zip(stem: &str, package: &crate::ubl::Package) -> Result<Vec<u8>, AppError> {
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
    Ubl,
    Pdf,
    Package,
    /// UN/CEFACT CII D16B.
    Cii,
    /// The Factur-X PDF (PDF/A-3b carrying its CII).
    FacturX,
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
            .and_then(|l| crate::pdf::Logo::decode(&l.content_type, &l.content))
    };
    let other_format = match which {
        Download::Cii => Some(crate::render::OutputFormat::Cii),
        Download::FacturX => Some(crate::render::OutputFormat::FacturX),
        _ => None,
    };
    if let Some(format) = other_format {
        let rendered =
            web::block(move || crate::render::render_invoice_with(&invoice, format, mode, profile, decode().as_ref()))
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::internal)?;
        return Ok(match which {
            Download::Cii => ("application/xml", format!("{stem}-cii.xml"), rendered.xml),
            _ => ("application/pdf", format!("{stem}-facturx.pdf"), rendered.pdf),
        });
    }
    let package = web::block(move || {
        let pdf = crate::pdf::render_pdf_with_logo(&invoice, decode().as_ref())?;
        crate::ubl::package::render_package_with_pdf(&invoice, mode, pdf, profile)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    Ok(match which {
        Download::Ubl => ("application/xml", format!("{stem}.xml"), package.ubl),
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
    download(user, db, path.into_inner(), Download::Ubl).await
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
