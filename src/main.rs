use std::process::ExitCode;

use clap::Parser;

// `--features system-allocator` leaves the system allocator in place, so a
// heap profiler that sees only malloc (heaptrack) sees every block
// (BENCHMARKS.md, "Build memory by allocation site").
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: okrc::allocator::SplitAllocator = okrc::allocator::SplitAllocator;

fn main() -> ExitCode {
    okrc::allocator::tune_system();
    let cli = okrc::cmd::Cli::parse();
    match okrc::cmd::run(cli) {
        Ok(outcome) => outcome.into(),
        Err(err) => {
            eprintln!("error: {}", okrc::cmd::error_text(&err));
            okrc::cmd::Outcome::Failure.into()
        }
    }
}
