//! `cargo bench --bench render`: UBL-only and full package (UBL + PDF + ZIP) renders per
//! second for a realistic 10-line invoice, on one thread.
//!
//! `RENDER_BENCH=pdf` (or `ubl`, `package`, `many`, `zip`; `write-pdf` writes the PDF out) runs that part alone, for ten seconds: what
//! to record with `perf record -g` or `valgrind --tool=callgrind`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chorus_desk::domain::deposit::AttachmentMode;
use chorus_desk::domain::invoice::Invoice;
use chorus_desk::render::ubl::{UblOptions, render_package, render_ubl};

fn ten_line_invoice() -> Invoice {
    match Invoice::parse(chorus_desk::devtools::bench_seed::ten_line_document()) {
        Ok(invoice) => invoice,
        Err(errors) => panic!("benchmark invoice is invalid: {errors}"),
    }
}

/// The same invoice for `count` different buyers (names, cities, streets): each PDF then draws
/// a slightly different set of characters, as a month end's invoices do, so that what is cached
/// per set of characters (krilla's font subsets) is not hit every time as with one invoice.
fn invoices_for_many_buyers(count: usize) -> Vec<Invoice> {
    const PLACES: [&str; 16] = [
        "Quimper",
        "Vézelay",
        "Wissembourg",
        "Zonza",
        "Kaysersberg",
        "Yvoire",
        "Jœuf",
        "Gex",
        "Hyères",
        "Bourg-en-Bresse",
        "Fréjus",
        "Xonrupt",
        "Ornans",
        "Mâcon",
        "Lège",
        "Saint-Ouen",
    ];
    const STREETS: [&str; 8] = [
        "avenue Jean Jaurès",
        "quai du Maréchal Joffre",
        "boulevard Voltaire",
        "place Kléber",
        "rue Émile Zola",
        "chemin des Écoliers",
        "allée Louis Pasteur",
        "impasse Wagner",
    ];
    (0..count)
        .map(|i| {
            let mut document = chorus_desk::devtools::bench_seed::ten_line_document();
            let place = PLACES[i % PLACES.len()];
            document.number = format!("FA-2026-{:06}", 1000 + i);
            document.buyer.name = format!("Commune de {place} n°{}", i / PLACES.len());
            document.buyer.address.city = Some(place.into());
            document.buyer.address.line1 = Some(format!("{} {}", 1 + i % 97, STREETS[i % STREETS.len()]));
            match Invoice::parse(document) {
                Ok(invoice) => invoice,
                Err(errors) => panic!("benchmark invoice is invalid: {errors}"),
            }
        })
        .collect()
}

/// CPU time used by this process (user + system), from `/proc/self/stat` (Linux). On a
/// shared machine it tells what one core does, whatever the neighbours are doing.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    // USER_HZ is 100 on Linux.
    Some((user + system) / 100.0)
}

struct Rate {
    wall_per_second: f64,
    cpu_per_second: Option<f64>,
    runs: u64,
}

/// Runs `work` for about `budget` of wall time and returns operations per second.
fn per_second(budget: Duration, mut work: impl FnMut()) -> Rate {
    for _ in 0..20 {
        work();
    }
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let mut runs = 0u64;
    while start.elapsed() < budget {
        for _ in 0..10 {
            work();
        }
        runs += 10;
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);
    Rate {
        wall_per_second: runs as f64 / wall,
        cpu_per_second: cpu.filter(|c| *c > 0.0).map(|c| runs as f64 / c),
        runs,
    }
}

fn describe(rate: &Rate) -> String {
    match rate.cpu_per_second {
        Some(cpu) => format!(
            "{:>9.0} /s wall, {cpu:>9.0} /s per CPU-second ({} runs)",
            rate.wall_per_second, rate.runs
        ),
        None => format!("{:>9.0} /s wall ({} runs)", rate.wall_per_second, rate.runs),
    }
}

/// The one part named by `RENDER_BENCH`, for profiling.
fn profile_one(part: &str, invoice: &Invoice) {
    let budget = Duration::from_secs(10);
    let pdf = chorus_desk::render::pdf::render_pdf(invoice).unwrap_or_default();
    if part == "write-pdf" {
        // The benchmark's PDF on standard output, to look inside it.
        use std::io::Write as _;
        let _ = std::io::stdout().write_all(&pdf);
        return;
    }
    let rate = match part {
        "ubl" => per_second(budget, || {
            black_box(render_ubl(black_box(invoice), &UblOptions::default()).ok());
        }),
        "many" => {
            let many = invoices_for_many_buyers(256);
            let mut next = 0;
            per_second(budget, || {
                next = (next + 1) % many.len();
                black_box(render_package(black_box(&many[next]), AttachmentMode::Zip).ok());
            })
        }
        "package" => per_second(budget, || {
            black_box(render_package(black_box(invoice), AttachmentMode::Zip).ok());
        }),
        "pdf" => per_second(budget, || {
            black_box(chorus_desk::render::pdf::render_pdf(black_box(invoice)).ok());
        }),
        "zip" => per_second(budget, || {
            black_box(chorus_desk::render::ubl::zip_single_file("BENCH-000000001.pdf", black_box(&pdf)).ok());
        }),
        other => panic!("RENDER_BENCH={other}: expected ubl, package, many, pdf or zip"),
    };
    println!("{part}: {}", describe(&rate));
}

fn main() {
    let invoice = ten_line_invoice();
    if let Ok(part) = std::env::var("RENDER_BENCH") {
        profile_one(&part, &invoice);
        return;
    }
    let budget = Duration::from_secs(3);
    let options = UblOptions::default();
    let ubl_size = render_ubl(&invoice, &options).map(|u| u.len()).unwrap_or(0);
    let ubl_rate = per_second(budget, || {
        black_box(render_ubl(black_box(&invoice), &options).ok());
    });
    let package = render_package(&invoice, AttachmentMode::Zip).ok();
    let package_rate = per_second(budget, || {
        black_box(render_package(black_box(&invoice), AttachmentMode::Zip).ok());
    });
    // Where a package's time goes.
    let pdf = chorus_desk::render::pdf::render_pdf(&invoice).unwrap_or_default();
    let pdf_rate = per_second(budget, || {
        black_box(chorus_desk::render::pdf::render_pdf(black_box(&invoice)).ok());
    });
    let many = invoices_for_many_buyers(256);
    let mut next = 0;
    let many_rate = per_second(budget, || {
        next = (next + 1) % many.len();
        black_box(render_package(black_box(&many[next]), AttachmentMode::Zip).ok());
    });
    let zip_rate = per_second(budget, || {
        black_box(chorus_desk::render::ubl::zip_single_file("BENCH-000000001.pdf", black_box(&pdf)).ok());
    });
    let (pdf_size, package_size) = package.map(|p| (p.pdf.len(), p.ubl.len())).unwrap_or_default();
    println!("10-line invoice, one thread:");
    println!("  UBL only:        {}  UBL {ubl_size} bytes", describe(&ubl_rate));
    println!(
        "  UBL + PDF + ZIP: {}  PDF {pdf_size} bytes, UBL with zip {package_size} bytes",
        describe(&package_rate)
    );
    println!("  of which PDF:    {}", describe(&pdf_rate));
    println!("  package, 256 buyers in turn: {}", describe(&many_rate));
    println!("  of which ZIP:    {}", describe(&zip_rate));
}
