use clap::Parser;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = chorus_desk::cli::Cli::parse();
    match chorus_desk::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chorus-desk: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
