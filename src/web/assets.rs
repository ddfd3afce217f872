//! Static files with cache-busting: URLs carry `?v=<hash of the static folder>`, so browsers may
//! keep them for a year.

use actix_web::web;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static VERSION: OnceLock<String> = OnceLock::new();

/// `CHORUS_DESK_STATIC_DIR`, else the `static/` folder of the source tree, else `./static`.
pub fn static_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("CHORUS_DESK_STATIC_DIR") {
        return PathBuf::from(dir);
    }
    let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
    if built_in.is_dir() {
        built_in
    } else {
        PathBuf::from("static")
    }
}

fn hash_dir(dir: &Path, hasher: &mut Sha256) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            hash_dir(&path, hasher);
        } else if let Ok(bytes) = std::fs::read(&path) {
            hasher.update(path.to_string_lossy().as_bytes());
            hasher.update(&bytes);
        }
    }
}

pub fn version() -> &'static str {
    VERSION.get_or_init(|| {
        let mut hasher = Sha256::new();
        hash_dir(&static_dir(), &mut hasher);
        hex::encode(&hasher.finalize()[..6])
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/static")
            .wrap(
                actix_web::middleware::DefaultHeaders::new()
                    .add(("Cache-Control", "public, max-age=31536000, immutable")),
            )
            .service(actix_files::Files::new("", static_dir()).use_etag(true)),
    );
}
