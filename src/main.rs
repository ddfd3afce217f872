use clap::Parser;

fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    actix_web::rt::System::new().block_on(async {
        let cli = chorus_desk::cli::Cli::parse();
        match chorus_desk::cli::run(cli).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("chorus-desk: {e:#}");
                if e.downcast_ref::<chorus_desk::cli::UsageError>().is_some() {
                    std::process::ExitCode::from(2)
                } else {
                    std::process::ExitCode::FAILURE
                }
            }
        }
    })
}

/// glibc gives each thread that allocates under contention its own arena, up to eight per
/// core, and keeps what each arena once held: the blocking threads that render PDFs and run
/// queries would each keep a few megabytes. Two arenas are enough for two workers and keep
/// the server's peak RSS under load lower (`docs/performance.md`). An operator's
/// `MALLOC_ARENA_MAX` wins. The one `unsafe` of the project.
#[allow(unsafe_code)]
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes allocator parameters; called before any thread starts.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}
