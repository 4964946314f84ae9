use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: okrc::allocator::SplitAllocator = okrc::allocator::SplitAllocator;

fn main() -> ExitCode {
    let cli = okrc::cmd::Cli::parse();
    match okrc::cmd::run(cli) {
        Ok(outcome) => outcome.into(),
        Err(err) => {
            eprintln!("error: {}", okrc::cmd::error_text(&err));
            okrc::cmd::Outcome::Failure.into()
        }
    }
}
