//! `okrc lsp`: a language server on stdin/stdout for any editor (README "Editor support:
//! okrc lsp and okrc schema").

use clap::Args;

use super::{Outcome, today};

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdin/stdout is the only transport.
    #[arg(long, hide = true)]
    pub stdio: bool,
}

pub fn run(_args: LspArgs) -> anyhow::Result<Outcome> {
    crate::lsp::run_stdio(today(None)?)?;
    Ok(Outcome::Success)
}
