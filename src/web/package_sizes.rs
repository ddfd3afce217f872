//! The sizes of an issued invoice's files, kept by the process. The invoice page lists the UBL
//! and the attached PDF with their sizes and checks the attachment rules against them; rendering
//! the package for that (PDF + ZIP + UBL, about a millisecond of CPU) on every view made the page
//! the slowest of the back office. An issued invoice's package depends only on its stored
//! document and the attachment mode, so the sizes are kept under a digest of both: an edit, a
//! correction or another mode is a new key, and a stale entry can never be shown. Drafts are not
//! kept (their defaults follow the date).

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, OnceLock};

use crate::domain::deposit::AttachmentMode;

/// Entries kept (about 100 bytes each); the oldest goes first.
pub const CAPACITY: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSizes {
    pub ubl: usize,
    pub attachment_file_name: String,
    pub attachment: usize,
}

/// What the package is rendered from: the invoice, its stored document, the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PackageKey {
    invoice_id: i64,
    document_len: usize,
    document_digest: u64,
    mode: AttachmentMode,
}

impl PackageKey {
    pub fn new(invoice_id: i64, document: &str, mode: AttachmentMode) -> PackageKey {
        // Fixed keys: the same digest for the same document within the process.
        let mut hasher = std::hash::DefaultHasher::new();
        document.hash(&mut hasher);
        PackageKey {
            invoice_id,
            document_len: document.len(),
            document_digest: hasher.finish(),
            mode,
        }
    }
}

#[derive(Default)]
pub struct PackageSizeCache {
    entries: Mutex<(HashMap<PackageKey, PackageSizes>, VecDeque<PackageKey>)>,
}

impl PackageSizeCache {
    /// The one the invoice pages use.
    pub fn shared() -> &'static PackageSizeCache {
        static SHARED: OnceLock<PackageSizeCache> = OnceLock::new();
        SHARED.get_or_init(PackageSizeCache::default)
    }

    pub fn get(&self, key: &PackageKey) -> Option<PackageSizes> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.0.get(key).cloned()
    }

    pub fn keep(&self, key: PackageKey, sizes: PackageSizes) {
        let mut guard = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let (map, order) = &mut *guard;
        if map.insert(key, sizes).is_none() {
            order.push_back(key);
        }
        while order.len() > CAPACITY {
            if let Some(oldest) = order.pop_front() {
                map.remove(&oldest);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(n: usize) -> PackageSizes {
        PackageSizes {
            ubl: n,
            attachment_file_name: "F-1.zip".into(),
            attachment: n / 2,
        }
    }

    #[test]
    fn another_document_or_mode_is_another_key() {
        let cache = PackageSizeCache::default();
        let key = PackageKey::new(7, r#"{"number":"F-1"}"#, AttachmentMode::Zip);
        cache.keep(key, sizes(100));
        assert_eq!(cache.get(&key), Some(sizes(100)));
        assert_eq!(
            cache.get(&PackageKey::new(7, r#"{"number":"F-2"}"#, AttachmentMode::Zip)),
            None
        );
        assert_eq!(
            cache.get(&PackageKey::new(7, r#"{"number":"F-1"}"#, AttachmentMode::Pdf)),
            None
        );
        assert_eq!(
            cache.get(&PackageKey::new(8, r#"{"number":"F-1"}"#, AttachmentMode::Zip)),
            None
        );
        assert_eq!(
            PackageKey::new(7, "{}", AttachmentMode::Zip),
            PackageKey::new(7, "{}", AttachmentMode::Zip)
        );
    }

    #[test]
    fn the_oldest_entries_leave_beyond_the_capacity() {
        let cache = PackageSizeCache::default();
        for id in 0..(CAPACITY as i64 + 10) {
            cache.keep(PackageKey::new(id, "{}", AttachmentMode::Zip), sizes(id as usize));
        }
        assert_eq!(cache.len(), CAPACITY);
        assert_eq!(cache.get(&PackageKey::new(0, "{}", AttachmentMode::Zip)), None);
        assert_eq!(cache.get(&PackageKey::new(9, "{}", AttachmentMode::Zip)), None);
        let newest = CAPACITY as i64 + 9;
        assert_eq!(
            cache.get(&PackageKey::new(newest, "{}", AttachmentMode::Zip)),
            Some(sizes(newest as usize))
        );
    }
}
